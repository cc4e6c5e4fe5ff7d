import * as z from '#shared/zod.js';
import { groupSchema, referenceSchema, simOptionSchema } from './fields.js';

/** The SIM list, SIM changes and lifecycle routes. */

export const simStatusFilterSchema = z.enum([
  'Available',
  'Pre-activated',
  'Active',
  'TestMode',
  'Suspended',
  'Terminated',
]);

export const simsQuerySchema = z.strictObject({
  status: z.optional(simStatusFilterSchema),
  group: z.optional(groupSchema),
  reference: z.optional(referenceSchema),
  page: z._default(z.coerce.number().check(z.int(), z.minimum(1)), 1),
  pageSize: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(1_000)), 100),
});

const ratePlanSchema = z
  .string()
  .check(
    z.minLength(1),
    z.maxLength(50),
    z.meta({ description: "Move the SIM to this rate plan; by default a change keeps the SIM's own" }),
  );

export const simPatchSchema = z
  .strictObject({
    options: z.optional(z.array(simOptionSchema).check(z.minLength(1), z.maxLength(50))),
    reference: z.optional(referenceSchema),
    group: z.optional(groupSchema),
    ratePlan: z.optional(ratePlanSchema),
  })
  .check(
    z.refine(
      (patch) =>
        patch.options !== undefined ||
        patch.reference !== undefined ||
        patch.group !== undefined ||
        patch.ratePlan !== undefined,
      { message: 'must change at least one of options, reference, group, ratePlan' },
    ),
    z.meta({ id: 'SimPatch' }),
  );

export const lifecycleRequestSchema = z
  .strictObject({ reference: z.optional(referenceSchema) })
  .check(z.meta({ id: 'LifecycleRequest' }));
