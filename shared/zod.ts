import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';

/**
 * The zod every Lambda bundles: zod/mini, with the English messages of classic zod. zod/mini is the same
 * validation core without the method-chaining layer, whose import and per-schema methods cost ~10-15 ms of
 * every cold start (measured: `npm run bench -- bundle`). Code outside the functions (local/, cli/, bench/,
 * infra/, tests) may use classic `zod`; both share one core, so schemas mix.
 *
 * Usage: `import * as z from '<relative>/zod.js'`, then the functional API:
 * `z.optional(z.string().check(z.minLength(1)))`, `z.pipe(a, z.transform(fn))`, `z._default(s, v)`,
 * `z.safeParse(schema, value)`.
 */
z.config(en());

export * from 'zod/mini';
