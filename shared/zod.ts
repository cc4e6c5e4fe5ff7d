import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';

/**
 * The zod every Lambda bundles: zod/mini, with the English messages of classic zod. zod/mini is the same
 * validation core without the method-chaining layer, whose import and per-schema methods lengthen every cold
 * start (docs/design.md). Code outside the functions (local/, cli/, bench/, infra/, tests) may use classic
 * `zod`; both share one core, so schemas mix. Usage: `import * as z from '#shared/zod.js'`, then the
 * functional API: `z.optional(z.string())`, `z.pipe(a, z.transform(fn))`, `z.safeParse(schema, value)`.
 */
z.config(en());

export * from 'zod/mini';
