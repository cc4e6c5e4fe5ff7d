import { idempotencyKeySchema } from '#shared/store/idempotency-key.js';
import { iccidSchema } from '#shared/transatel/identifiers.js';
import * as z from '#shared/zod.js';
import { groupSchema, planIdSchema, referenceSchema, simOptionSchema } from './fields.js';

/** The ordering routes: activations (one SIM and bulk) and plan orders, with their Idempotency-Key. */

export const activationFieldsSchema = z.strictObject({
  planId: z.optional(planIdSchema),
  options: z.optional(z.array(simOptionSchema).check(z.maxLength(50))),
  reference: z.optional(referenceSchema),
  group: z.optional(groupSchema),
});

export { idempotencyKeySchema };

/** The optional `Idempotency-Key` header of the ordering routes. */
export const idempotencyHeadersSchema = z.object({
  'idempotency-key': z.optional(idempotencyKeySchema).check(
    z.meta({
      description:
        'The same key and body give the same order(s), even after a timeout or a crash; the same key with another body is a 409. Keys are remembered for 24 hours.',
    }),
  ),
});

export const activationRequestSchema = activationFieldsSchema.check(z.meta({ id: 'ActivationRequest' }));

export const MAX_BULK_SIMS = 1_000;

/** Bulk items are checked one by one (a bad ICCID rejects that SIM only), so the item schema is loose here. */
export const bulkActivationRequestSchema = z
  .strictObject({
    sims: z
      .array(z.record(z.string(), z.unknown()))
      .check(
        z.minLength(1, 'must list at least one SIM'),
        z.maxLength(MAX_BULK_SIMS, `must list at most ${MAX_BULK_SIMS} SIMs per call`),
      ),
    defaults: z.optional(activationFieldsSchema),
  })
  .check(z.meta({ id: 'BulkActivationRequest' }));

export const bulkSimSchema = z.extend(activationFieldsSchema, { iccid: iccidSchema });

export const planOrderRequestSchema = z
  .strictObject({ planId: planIdSchema })
  .check(z.meta({ id: 'PlanOrderRequest' }));
