import * as z from '../zod.js';
import { type SendAttempt, sendAttempt } from './http-attempt.js';
import { defaultRetryPolicy, type RetryPolicy } from './retry.js';

export interface TransatelCredentials {
  clientId: string;
  clientSecret: string;
}

/**
 * Where the client gets its credentials. `forceRefresh` is set after Transatel rejected the cached ones,
 * so a provider backed by Secrets Manager can pick up a rotated secret.
 */
export type CredentialsProvider = (options?: { forceRefresh?: boolean }) => Promise<TransatelCredentials>;

export const transatelOptionSchema = z.object({
  name: z.string().check(z.minLength(1), z.maxLength(100)),
  value: z.string().check(z.minLength(1), z.maxLength(100)),
});
export type TransatelOption = z.infer<typeof transatelOptionSchema>;

/** Logging hooks; the client never passes secrets, tokens or request bodies to them. */
export interface ClientLogger {
  debug(message: string, attributes?: Record<string, unknown>): void;
  warn(message: string, attributes?: Record<string, unknown>): void;
}

export const transatelSettingsSchema = z.object({
  /** e.g. https://api.transatel.com, or the simulator's URL. */
  baseUrl: z.pipe(
    z.url(),
    z.transform((url) => url.replace(/\/+$/, '')),
  ),
  /** Account technical name, required in OCS orders (M2MA_WW_TSL_...). */
  mvnoRef: z.string().check(z.minLength(1)),
  /** Catalog of the offer, WW_M2MA_COS_IOT_CONNECT for IoT Connect Capped Plans. */
  cos: z.string().check(z.minLength(1)),
  /** Rate plan sent on activation and every Connectivity Management change. */
  ratePlan: z.string().check(z.minLength(1), z.maxLength(50)),
  /** Options applied on activation unless the caller overrides them by name. */
  defaultOptions: z._default(z.array(transatelOptionSchema), []),
  /** `payment.provider` of OCS orders: "Customer" when the customer pays Transatel. */
  paymentProvider: z._default(z.string().check(z.minLength(1)), 'Customer'),
  /** Per-attempt timeout. */
  timeoutMs: z._default(z.number().check(z.int(), z.positive()), 10_000),
  /** Renew the token this long before it expires. */
  tokenRefreshSkewMs: z._default(z.number().check(z.int(), z.nonnegative()), 60_000),
  acceptLanguage: z.optional(z.string()),
  /** Requests per second this process may send to Transatel (all APIs, token included); unset: no pacing. */
  maxRequestsPerSecond: z.optional(z.number().check(z.positive())),
});
export type TransatelSettings = z.infer<typeof transatelSettingsSchema>;

export interface TransatelClientConfig extends z.input<typeof transatelSettingsSchema> {
  credentials: CredentialsProvider;
  retry?: Partial<RetryPolicy>;
  logger?: ClientLogger;
  /** One HTTP exchange; default node:http(s) with a keep-alive agent (http-attempt.ts). Injected for tests. */
  send?: SendAttempt;
  /** Injected for deterministic tests. */
  random?: () => number;
}

export interface ResolvedClientConfig extends TransatelSettings {
  credentials: CredentialsProvider;
  retry: RetryPolicy;
  logger: ClientLogger;
  send: SendAttempt;
  random: () => number;
}

const silentLogger: ClientLogger = { debug: () => {}, warn: () => {} };

export function resolveClientConfig(config: TransatelClientConfig): ResolvedClientConfig {
  const { credentials, retry, logger, send, random, ...settings } = config;
  return {
    ...transatelSettingsSchema.parse(settings),
    credentials,
    retry: { ...defaultRetryPolicy, ...retry },
    logger: logger ?? silentLogger,
    send: send ?? sendAttempt,
    random: random ?? Math.random,
  };
}

/** Defaults' options merged with the caller's, the caller winning by option name. */
export function mergeOptions(
  defaults: TransatelOption[],
  overrides: TransatelOption[] | undefined,
): TransatelOption[] {
  const merged = new Map(defaults.map((option) => [option.name, option.value]));
  for (const option of overrides ?? []) merged.set(option.name, option.value);
  return [...merged].map(([name, value]) => ({ name, value }));
}
