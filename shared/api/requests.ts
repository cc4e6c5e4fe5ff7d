import { idempotencyKeySchema } from '../store/idempotency-key.js';
import { orderIdSchema } from '../store/order-id.js';
import { countryCodeSchema, iccidSchema } from '../transatel/identifiers.js';
import * as z from '../zod.js';

/**
 * What the public API accepts: path, query, header and body schemas. The API functions import this module
 * only (not the response schemas of responses.ts, which serve the OpenAPI document and the tests), so a
 * function's cold start builds the schemas it validates with and no others.
 */

export const planIdSchema = z.string().check(
  z.regex(
    /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/,
    'must be a plan id from GET /v1/plans (letters, digits, _ . -)',
  ),
  z.meta({
    description: 'A productId of the OCS catalog, as listed by GET /v1/plans',
    example: 'IOTC_CAPPED_EU_1GB_30D',
  }),
);

export const simOptionSchema = z
  .object({
    name: z.string().check(z.regex(/^[A-Za-z0-9_.-]{1,100}$/, 'must be a Transatel option name')),
    value: z.string().check(z.minLength(1), z.maxLength(100)),
  })
  .check(
    z.meta({ description: 'A Connectivity Management option: name and value (on/off, or a choice label)' }),
  );

export const referenceSchema = z.string().check(z.minLength(1), z.maxLength(255));
export const groupSchema = z.string().check(z.minLength(1), z.maxLength(50));

export const activationFieldsSchema = z.strictObject({
  planId: z.optional(planIdSchema),
  options: z.optional(z.array(simOptionSchema).check(z.maxLength(50))),
  reference: z.optional(referenceSchema),
  group: z.optional(groupSchema),
});

export const iccidParamsSchema = z.object({
  iccid: iccidSchema.check(z.meta({ description: 'ICCID: 19-20 digits with a Luhn check digit' })),
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

export const orderParamsSchema = z.object({
  orderId: orderIdSchema.check(
    z.meta({ description: 'Order id (ULID) as returned when the order was accepted' }),
  ),
});

export const plansQuerySchema = z.strictObject({ country: z.optional(countryCodeSchema) });

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

const isoInstant = z.union([z.iso.datetime({ offset: true }), z.iso.date()]);

export const usageQuerySchema = z.strictObject({
  from: z.optional(isoInstant),
  to: z.optional(isoInstant),
  country: z.optional(countryCodeSchema),
});
