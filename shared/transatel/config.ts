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

export interface TransatelOption {
  name: string;
  value: string;
}

/** Logging hooks; the client never passes secrets, tokens or request bodies to them. */
export interface ClientLogger {
  debug(message: string, attributes?: Record<string, unknown>): void;
  warn(message: string, attributes?: Record<string, unknown>): void;
}

/**
 * What the client is told by the code that builds it. It is not an edge: the values come from the
 * environment, which shared/wiring/env/transatel.ts validates where it enters (the local tools and the
 * tests pass literals), so the client only fills in defaults rather than validating them a second time.
 */
export interface TransatelSettings {
  /** e.g. https://api.transatel.com, or the simulator's URL; a trailing slash is dropped. */
  baseUrl: string;
  /** Account technical name, required in OCS orders (M2MA_WW_TSL_...). */
  mvnoRef: string;
  /** Catalog of the offer, WW_M2MA_COS_IOT_CONNECT for IoT Connect Capped Plans. */
  cos: string;
  /** Rate plan sent on activation and every Connectivity Management change. */
  ratePlan: string;
  /** Options applied on activation unless the caller overrides them by name. */
  defaultOptions: TransatelOption[];
  /** `payment.provider` of OCS orders: "Customer" when the customer pays Transatel. */
  paymentProvider: string;
  /** Per-attempt timeout. */
  timeoutMs: number;
  /** Renew the token this long before it expires. */
  tokenRefreshSkewMs: number;
  acceptLanguage?: string | undefined;
  /** Requests per second this process may send to Transatel (all APIs, token included); unset: no pacing. */
  maxRequestsPerSecond?: number | undefined;
}

const settingDefaults = {
  defaultOptions: [] as TransatelOption[],
  paymentProvider: 'Customer',
  timeoutMs: 10_000,
  tokenRefreshSkewMs: 60_000,
} satisfies Partial<TransatelSettings>;

type SettingsWithDefaults = Omit<TransatelSettings, keyof typeof settingDefaults> &
  Partial<Pick<TransatelSettings, keyof typeof settingDefaults>>;

export interface TransatelClientConfig extends SettingsWithDefaults {
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
    ...settings,
    baseUrl: settings.baseUrl.replace(/\/+$/, ''),
    defaultOptions: settings.defaultOptions ?? settingDefaults.defaultOptions,
    paymentProvider: settings.paymentProvider ?? settingDefaults.paymentProvider,
    timeoutMs: settings.timeoutMs ?? settingDefaults.timeoutMs,
    tokenRefreshSkewMs: settings.tokenRefreshSkewMs ?? settingDefaults.tokenRefreshSkewMs,
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
