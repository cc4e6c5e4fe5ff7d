import { type FieldIssue, requiredFieldErrorMap, toFieldIssues } from '../lambda/field-issues.js';
import { lazy } from '../lazy.js';
import * as z from '../zod.js';

/**
 * Environment configuration, parsed once at cold start. The pieces (one zod object per concern) live in
 * ./env/, one module each, so a function bundles and builds only the pieces it reads:
 * `loadConfig(envSchema(runtimeEnv, ordersTableEnv, activationQueueEnv))`.
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
export const expected =
  (message: string) =>
  (issue: { input: unknown }): string =>
    issue.input === undefined ? 'is required' : message;

// Each is built once, on first use, and shared by every variable that reads it: a schema never changes once
// built (wrapping it in z.optional or z._default makes a new one), and the message names the variable from
// the issue's path, so one instance serves them all, and a function builds fewer schemas at cold start.

export const nonEmptyString = lazy(() =>
  z.string({ error: expected('must be a string') }).check(z.trim(), z.minLength(1, 'is required')),
);

export const httpUrl = lazy(() =>
  z.pipe(
    z.url({ protocol: /^https?$/, error: expected('must be an http(s) URL') }),
    z.transform((url: string) => url.replace(/\/+$/, '')),
  ),
);

export const positiveInteger = lazy(() =>
  z.pipe(
    z.pipe(
      z
        .string({ error: expected('must be a positive integer') })
        .check(z.regex(/^[1-9][0-9]*$/, 'must be a positive integer')),
      z.transform(Number),
    ),
    z.number().check(z.maximum(Number.MAX_SAFE_INTEGER, 'must be a positive integer')),
  ),
);
