import * as z from '../../zod.js';
import { groupSchema, referenceSchema, simOptionSchema } from './fields.js';

/** The SIM list, SIM changes and lifecycle routes. */

export const simStatusFilterSchema = z.enum([
  'Available',
  'Pre-activated',
  'Active',
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

export const simPatchSchema = z
  .strictObject({
    options: z.optional(z.array(simOptionSchema).check(z.minLength(1), z.maxLength(50))),
    reference: z.optional(referenceSchema),
    group: z.optional(groupSchema),
  })
  .check(
    z.refine(
      (patch) => patch.options !== undefined || patch.reference !== undefined || patch.group !== undefined,
      {
        message: 'must change at least one of options, reference, group',
      },
    ),
    z.meta({ id: 'SimPatch' }),
  );

export const lifecycleRequestSchema = z
  .strictObject({ reference: z.optional(referenceSchema) })
  .check(z.meta({ id: 'LifecycleRequest' }));
