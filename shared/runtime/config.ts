import * as z from '../zod.js';
import { type FieldIssue, requiredFieldErrorMap, toFieldIssues } from './field-issues.js';

/**
 * Environment configuration, parsed once at cold start.
 *
 * Each piece below is a separate zod object so a function declares only what it reads:
 *
 *   const config = loadConfig(envSchema(runtimeEnv, ordersTableEnv, activationQueueEnv));
 */

export type Env = Readonly<Record<string, string | undefined>>;

export class ConfigError extends Error {
  override readonly name = 'ConfigError';

  constructor(readonly issues: readonly FieldIssue[]) {
    super(`Invalid environment: ${issues.map((issue) => `${issue.path} ${issue.message}`).join('; ')}`);
  }
}

/**
 * Parses `env` with `schema`. Empty strings count as unset, so defaults apply and required
 * variables are reported as missing. Messages name variables, never their values.
 */
export function loadConfig<S extends z.core.$ZodType>(schema: S, env: Env = process.env): z.output<S> {
  // An object schema names what it reads: look up those variables only (process.env is slow to list).
  const names = isObjectSchema(schema) ? Object.keys(schema._zod.def.shape) : Object.keys(env);
  const present: Record<string, string> = {};
  for (const name of names) {
    const value = env[name];
    if (value !== undefined && value !== '') present[name] = value;
  }
  const result = z.safeParse(schema, present, { error: requiredFieldErrorMap });
  if (!result.success) throw new ConfigError(toFieldIssues(result.error));
  return result.data;
}

/** Any zod object schema, zod/mini or classic. */
function isObjectSchema(schema: z.core.$ZodType): schema is z.core.$ZodObject {
  return schema._zod.def.type === 'object';
}

type ShapeOf<T> = T extends z.core.$ZodObject<infer Shape> ? Shape : never;
type MergedShape<Parts extends readonly z.core.$ZodObject[]> = Parts extends readonly [
  infer Head,
  ...infer Tail extends readonly z.core.$ZodObject[],
]
  ? ShapeOf<Head> & MergedShape<Tail>
  : Record<never, never>;

/** Composes env pieces into one object schema (unknown variables are ignored). */
export function envSchema<const Parts extends readonly z.core.$ZodObject[]>(
  ...parts: Parts
): z.ZodMiniObject<MergedShape<Parts>> {
  const shape: z.core.$ZodShape = Object.assign({}, ...parts.map((part) => part._zod.def.shape));
  return z.object(shape) as z.ZodMiniObject<MergedShape<Parts>>;
}

// --- value schemas (messages complete "<VARIABLE> ...") ---

/** Schema-level messages outrank the per-parse map, so they keep "is required" for missing input. */
const expected =
  (message: string) =>
  (issue: { input: unknown }): string =>
    issue.input === undefined ? 'is required' : message;

const nonEmptyString = () =>
  z.string({ error: expected('must be a string') }).check(z.trim(), z.minLength(1, 'is required'));

const httpUrl = () =>
  z.pipe(
    z.url({ protocol: /^https?$/, error: expected('must be an http(s) URL') }),
    z.transform((url: string) => url.replace(/\/+$/, '')),
  );

const positiveInteger = () =>
  z.pipe(
    z.pipe(
      z
        .string({ error: expected('must be a positive integer') })
        .check(z.regex(/^[1-9][0-9]*$/, 'must be a positive integer')),
      z.transform(Number),
    ),
    z.number().check(z.maximum(Number.MAX_SAFE_INTEGER, 'must be a positive integer')),
  );

export const transatelOptionSchema = z.object({
  name: z
    .string({ error: expected('must be a string') })
    .check(z.minLength(1, 'must not be empty'), z.maxLength(100, 'is too long')),
  value: z
    .string({ error: expected('must be a string') })
    .check(z.minLength(1, 'must not be empty'), z.maxLength(100, 'is too long')),
});
export type TransatelOption = z.output<typeof transatelOptionSchema>;

const jsonOptionList = () =>
  z.pipe(
    z.pipe(
      z.string(),
      z.transform((text: string, ctx): unknown => {
        try {
          return JSON.parse(text);
        } catch {
          ctx.issues.push({ code: 'custom', message: 'must be a JSON array of {name, value}', input: text });
          return z.NEVER;
        }
      }),
    ),
    z.array(transatelOptionSchema, { error: 'must be a JSON array of {name, value}' }),
  );

export const logLevels = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'CRITICAL', 'SILENT'] as const;

// --- env pieces ---

export const runtimeEnv = z.object({
  STAGE: z
    .string({ error: expected('must be a string') })
    .check(z.regex(/^[a-z][a-z0-9-]{0,31}$/, 'must be a lowercase stage name such as dev, staging or prod')),
  LOG_LEVEL: z._default(
    z.pipe(
      z.pipe(
        z.string(),
        z.transform((level: string) => level.toUpperCase()),
      ),
      z.enum(logLevels, { error: `must be one of ${logLevels.join(', ')}` }),
    ),
    'INFO',
  ),
  /** Local runtime only: points every AWS client at the emulators. */
  AWS_ENDPOINT_URL: z.optional(httpUrl()),
});

export const ordersTableEnv = z.object({ ORDERS_TABLE_NAME: nonEmptyString() });

export const idempotencyTableEnv = z.object({ IDEMPOTENCY_TABLE_NAME: nonEmptyString() });

export const transatelApiEnv = z.object({
  TRANSATEL_BASE_URL: httpUrl(),
  TRANSATEL_MVNO_REF: nonEmptyString(),
  TRANSATEL_COS: z._default(nonEmptyString(), 'WW_M2MA_COS_IOT_CONNECT'),
  TRANSATEL_RATE_PLAN: z._default(nonEmptyString(), 'M2MA_WW_TSL_IOTCONNECT_CAPPED'),
  TRANSATEL_DEFAULT_OPTIONS: z._default(jsonOptionList(), []),
  /** This container's share of Transatel's rate limit (requests per second); unset: no pacing. */
  TRANSATEL_MAX_RPS: z.optional(positiveInteger()),
});

export const transatelSecretEnv = z.object({ TRANSATEL_SECRET_ID: nonEmptyString() });

export const activationQueueEnv = z.object({ ACTIVATION_QUEUE_URL: httpUrl() });

export const subscriptionQueueEnv = z.object({ SUBSCRIPTION_QUEUE_URL: httpUrl() });

export const eventsQueueEnv = z.object({ EVENTS_QUEUE_URL: httpUrl() });

export const eventsTopicEnv = z.object({
  EVENTS_TOPIC_ARN: z.string({ error: expected('must be an SNS topic ARN') }).check(
    z.regex(/^arn:[^:]+:sns:[^:]*:[^:]*:[^:]+$/, {
      error: 'must be an SNS topic ARN',
    }),
  ),
});

export const activationDeadlineEnv = z.object({
  ACTIVATION_DEADLINE_SECONDS: z._default(positiveInteger(), 3600),
});

export type RuntimeEnv = z.output<typeof runtimeEnv>;
export type OrdersTableEnv = z.output<typeof ordersTableEnv>;
export type IdempotencyTableEnv = z.output<typeof idempotencyTableEnv>;
export type TransatelApiEnv = z.output<typeof transatelApiEnv>;
export type TransatelSecretEnv = z.output<typeof transatelSecretEnv>;
export type ActivationQueueEnv = z.output<typeof activationQueueEnv>;
export type SubscriptionQueueEnv = z.output<typeof subscriptionQueueEnv>;
export type EventsQueueEnv = z.output<typeof eventsQueueEnv>;
export type EventsTopicEnv = z.output<typeof eventsTopicEnv>;
export type ActivationDeadlineEnv = z.output<typeof activationDeadlineEnv>;
