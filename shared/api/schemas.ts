import { idempotencyKeySchema } from '../store/idempotency-key.js';
import { orderStatusSchema, orderSchema as storedOrderSchema } from '../store/order.js';
import { orderIdSchema } from '../store/order-id.js';
import { countryCodeSchema, iccidSchema } from '../transatel/identifiers.js';
import * as z from '../zod.js';

/**
 * The public API's contract: every request part and response body as a zod schema. Handlers validate
 * with them and the OpenAPI document is generated from them, so the two cannot disagree.
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

export { orderStatusSchema };

export const orderAcceptedSchema = z
  .object({
    orderId: z.string(),
    status: orderStatusSchema,
    iccid: z.string(),
    planId: z.optional(z.string()),
  })
  .check(z.meta({ id: 'OrderAccepted' }));

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

export const fieldErrorSchema = z.object({ path: z.string(), message: z.string() });

export const bulkActivationResponseSchema = z
  .object({
    orders: z.array(z.object({ iccid: z.string(), orderId: z.string(), status: orderStatusSchema })),
    rejected: z.array(
      z.object({
        iccid: z.optional(z.string()),
        index: z.number().check(z.int()),
        errors: z.array(fieldErrorSchema),
      }),
    ),
  })
  .check(z.meta({ id: 'BulkActivationResponse' }));

export const planOrderRequestSchema = z
  .strictObject({ planId: planIdSchema })
  .check(z.meta({ id: 'PlanOrderRequest' }));

export { timelineEntrySchema } from '../store/order.js';

/**
 * The stored order minus its bookkeeping (version, idempotency key and hash, plan claim, attempt
 * counters): picked from the store's schema so the API and the table cannot drift apart. Parsing a
 * stored order with it strips the internal fields.
 */
export const orderSchema = z
  .pick(storedOrderSchema, {
    orderId: true,
    kind: true,
    iccid: true,
    planId: true,
    options: true,
    reference: true,
    group: true,
    status: true,
    orderType: true,
    transactionId: true,
    msisdn: true,
    subscriptionId: true,
    failure: true,
    timeline: true,
    createdAt: true,
    updatedAt: true,
  })
  .check(z.meta({ id: 'Order' }));

export const orderParamsSchema = z.object({
  orderId: orderIdSchema.check(
    z.meta({ description: 'Order id (ULID) as returned when the order was accepted' }),
  ),
});

export const dataBalanceSchema = z.object({
  totalBytes: z.number().check(z.int(), z.meta({ description: '-1 when unlimited' })),
  usedBytes: z.number().check(z.int()),
  remainingBytes: z.number().check(z.int(), z.meta({ description: '-1 when unlimited' })),
  unlimited: z.boolean(),
});

export const balanceResponseSchema = z
  .object({
    iccid: z.string(),
    msisdn: z.string(),
    plans: z.array(
      z.object({
        subscriptionId: z.string(),
        planId: z.string(),
        status: z.string(),
        activatedAt: z.optional(z.string()),
        expiresAt: z.optional(z.string()),
        data: dataBalanceSchema,
      }),
    ),
  })
  .check(z.meta({ id: 'Balance' }));

export const plansQuerySchema = z.strictObject({ country: z.optional(countryCodeSchema) });

export const planSchema = z
  .object({
    planId: z.string(),
    name: z.string(),
    countries: z.array(z.string()).check(z.meta({ description: 'ISO-2 codes covered' })),
    price: z.object({ amountMinor: z.number().check(z.int()), currency: z.string() }),
    validity: z.object({ value: z.number(), unit: z.string() }),
    dataBytes: z.optional(z.number().check(z.int())).check(z.meta({ description: 'absent when unlimited' })),
    unlimited: z.boolean(),
    category: z.string(),
  })
  .check(z.meta({ id: 'Plan' }));

export const plansResponseSchema = z.object({ plans: z.array(planSchema) }).check(z.meta({ id: 'Plans' }));

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

export const simSummarySchema = z.object({
  iccid: z.string(),
  msisdn: z.optional(z.string()),
  status: z.string(),
  simType: z.optional(z.string()),
  ratePlan: z.optional(z.string()),
  group: z.optional(z.string()),
  reference: z.optional(z.string()),
  activationDate: z.optional(z.string()),
});

export const simsResponseSchema = z
  .object({
    sims: z.array(simSummarySchema),
    page: z.number().check(z.int()),
    pageSize: z.number().check(z.int()),
    total: z.number().check(z.int()),
  })
  .check(z.meta({ id: 'SimPage' }));

export const simDetailSchema = z
  .extend(simSummarySchema, { imsi: z.optional(z.string()), options: z.array(simOptionSchema) })
  .check(z.meta({ id: 'Sim' }));

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

export const transactionAcceptedSchema = z
  .object({ iccid: z.string(), transactionId: z.string(), status: z.enum(['PENDING', 'DONE', 'FAILED']) })
  .check(z.meta({ id: 'TransactionAccepted' }));

export const esimResponseSchema = z
  .object({
    iccid: z.string(),
    status: z.string(),
    activationCode: z.nullable(z.string()),
    lpa: z.nullable(z.string()),
    qrCodePng: z
      .nullable(z.string())
      .check(z.meta({ description: 'data:image/png;base64,... of the LPA QR code' })),
  })
  .check(z.meta({ id: 'Esim' }));

const isoInstant = z.union([z.iso.datetime({ offset: true }), z.iso.date()]);

export const usageQuerySchema = z.strictObject({
  from: z.optional(isoInstant),
  to: z.optional(isoInstant),
  country: z.optional(countryCodeSchema),
});

const usageFiguresSchema = z.object({
  totalBytes: z.number().check(z.int()),
  uplinkBytes: z.number().check(z.int()),
  downlinkBytes: z.number().check(z.int()),
  sessions: z.number().check(z.int()),
});

export const usageResponseSchema = z
  .extend(usageFiguresSchema, {
    iccid: z.string(),
    from: z.string(),
    to: z.string(),
    country: z.optional(z.string()),
    byCountry: z.array(z.extend(usageFiguresSchema, { country: z.string() })),
  })
  .check(z.meta({ id: 'Usage' }));

export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().check(z.int()),
    detail: z.string(),
    instance: z.optional(z.string()),
    errors: z.optional(z.array(fieldErrorSchema)),
  })
  .check(z.meta({ id: 'Problem' }));
