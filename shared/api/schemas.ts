import * as z from 'zod';
import { idempotencyKeySchema } from '../store/idempotency-key.js';
import { orderStatusSchema, orderSchema as storedOrderSchema } from '../store/order.js';
import { orderIdSchema } from '../store/order-id.js';
import { countryCodeSchema, iccidSchema } from '../transatel/identifiers.js';

/**
 * The public API's contract: every request part and response body as a zod schema. Handlers validate
 * with them and the OpenAPI document is generated from them, so the two cannot disagree.
 */

export const planIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/, 'must be a plan id from GET /v1/plans (letters, digits, _ . -)')
  .meta({
    description: 'A productId of the OCS catalog, as listed by GET /v1/plans',
    example: 'IOTC_CAPPED_EU_1GB_30D',
  });

export const simOptionSchema = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9_.-]{1,100}$/, 'must be a Transatel option name'),
    value: z.string().min(1).max(100),
  })
  .meta({ description: 'A Connectivity Management option: name and value (on/off, or a choice label)' });

export const referenceSchema = z.string().min(1).max(255);
export const groupSchema = z.string().min(1).max(50);

export const activationFieldsSchema = z
  .object({
    planId: planIdSchema.optional(),
    options: z.array(simOptionSchema).max(50).optional(),
    reference: referenceSchema.optional(),
    group: groupSchema.optional(),
  })
  .strict();

export const iccidParamsSchema = z.object({
  iccid: iccidSchema.meta({ description: 'ICCID: 19-20 digits with a Luhn check digit' }),
});

export { idempotencyKeySchema };

/** The optional `Idempotency-Key` header of the ordering routes. */
export const idempotencyHeadersSchema = z.object({
  'idempotency-key': idempotencyKeySchema.optional().meta({
    description:
      'The same key and body give the same order(s), even after a timeout or a crash; the same key with another body is a 409. Keys are remembered for 24 hours.',
  }),
});

export const activationRequestSchema = activationFieldsSchema.meta({ id: 'ActivationRequest' });

export { orderStatusSchema };

export const orderAcceptedSchema = z
  .object({
    orderId: z.string(),
    status: orderStatusSchema,
    iccid: z.string(),
    planId: z.string().optional(),
  })
  .meta({ id: 'OrderAccepted' });

export const MAX_BULK_SIMS = 1_000;

/** Bulk items are checked one by one (a bad ICCID rejects that SIM only), so the item schema is loose here. */
export const bulkActivationRequestSchema = z
  .object({
    sims: z
      .array(z.record(z.string(), z.unknown()))
      .min(1, 'must list at least one SIM')
      .max(MAX_BULK_SIMS, `must list at most ${MAX_BULK_SIMS} SIMs per call`),
    defaults: activationFieldsSchema.optional(),
  })
  .strict()
  .meta({ id: 'BulkActivationRequest' });

export const bulkSimSchema = activationFieldsSchema.extend({ iccid: iccidSchema });

export const fieldErrorSchema = z.object({ path: z.string(), message: z.string() });

export const bulkActivationResponseSchema = z
  .object({
    orders: z.array(z.object({ iccid: z.string(), orderId: z.string(), status: orderStatusSchema })),
    rejected: z.array(
      z.object({ iccid: z.string().optional(), index: z.number().int(), errors: z.array(fieldErrorSchema) }),
    ),
  })
  .meta({ id: 'BulkActivationResponse' });

export const planOrderRequestSchema = z
  .object({ planId: planIdSchema })
  .strict()
  .meta({ id: 'PlanOrderRequest' });

export { timelineEntrySchema } from '../store/order.js';

/**
 * The stored order minus its bookkeeping (version, idempotency key and hash, plan claim, attempt
 * counters): picked from the store's schema so the API and the table cannot drift apart. Parsing a
 * stored order with it strips the internal fields.
 */
export const orderSchema = storedOrderSchema
  .pick({
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
  .meta({ id: 'Order' });

export const orderParamsSchema = z.object({
  orderId: orderIdSchema.meta({ description: 'Order id (ULID) as returned when the order was accepted' }),
});

export const dataBalanceSchema = z.object({
  totalBytes: z.number().int().meta({ description: '-1 when unlimited' }),
  usedBytes: z.number().int(),
  remainingBytes: z.number().int().meta({ description: '-1 when unlimited' }),
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
        activatedAt: z.string().optional(),
        expiresAt: z.string().optional(),
        data: dataBalanceSchema,
      }),
    ),
  })
  .meta({ id: 'Balance' });

export const plansQuerySchema = z.object({ country: countryCodeSchema.optional() }).strict();

export const planSchema = z
  .object({
    planId: z.string(),
    name: z.string(),
    countries: z.array(z.string()).meta({ description: 'ISO-2 codes covered' }),
    price: z.object({ amountMinor: z.number().int(), currency: z.string() }),
    validity: z.object({ value: z.number(), unit: z.string() }),
    dataBytes: z.number().int().optional().meta({ description: 'absent when unlimited' }),
    unlimited: z.boolean(),
    category: z.string(),
  })
  .meta({ id: 'Plan' });

export const plansResponseSchema = z.object({ plans: z.array(planSchema) }).meta({ id: 'Plans' });

export const simStatusFilterSchema = z.enum([
  'Available',
  'Pre-activated',
  'Active',
  'Suspended',
  'Terminated',
]);

export const simsQuerySchema = z
  .object({
    status: simStatusFilterSchema.optional(),
    group: groupSchema.optional(),
    reference: referenceSchema.optional(),
    page: z.coerce.number().int().min(1).default(1),
    pageSize: z.coerce.number().int().min(1).max(1_000).default(100),
  })
  .strict();

export const simSummarySchema = z.object({
  iccid: z.string(),
  msisdn: z.string().optional(),
  status: z.string(),
  simType: z.string().optional(),
  ratePlan: z.string().optional(),
  group: z.string().optional(),
  reference: z.string().optional(),
  activationDate: z.string().optional(),
});

export const simsResponseSchema = z
  .object({
    sims: z.array(simSummarySchema),
    page: z.number().int(),
    pageSize: z.number().int(),
    total: z.number().int(),
  })
  .meta({ id: 'SimPage' });

export const simDetailSchema = simSummarySchema
  .extend({ imsi: z.string().optional(), options: z.array(simOptionSchema) })
  .meta({ id: 'Sim' });

export const simPatchSchema = z
  .object({
    options: z.array(simOptionSchema).min(1).max(50).optional(),
    reference: referenceSchema.optional(),
    group: groupSchema.optional(),
  })
  .strict()
  .refine(
    (patch) => patch.options !== undefined || patch.reference !== undefined || patch.group !== undefined,
    {
      message: 'must change at least one of options, reference, group',
    },
  )
  .meta({ id: 'SimPatch' });

export const lifecycleRequestSchema = z
  .object({ reference: referenceSchema.optional() })
  .strict()
  .meta({ id: 'LifecycleRequest' });

export const transactionAcceptedSchema = z
  .object({ iccid: z.string(), transactionId: z.string(), status: z.enum(['PENDING', 'DONE', 'FAILED']) })
  .meta({ id: 'TransactionAccepted' });

export const esimResponseSchema = z
  .object({
    iccid: z.string(),
    status: z.string(),
    activationCode: z.string().nullable(),
    lpa: z.string().nullable(),
    qrCodePng: z.string().nullable().meta({ description: 'data:image/png;base64,... of the LPA QR code' }),
  })
  .meta({ id: 'Esim' });

const isoInstant = z.iso.datetime({ offset: true }).or(z.iso.date());

export const usageQuerySchema = z
  .object({ from: isoInstant.optional(), to: isoInstant.optional(), country: countryCodeSchema.optional() })
  .strict();

const usageFiguresSchema = z.object({
  totalBytes: z.number().int(),
  uplinkBytes: z.number().int(),
  downlinkBytes: z.number().int(),
  sessions: z.number().int(),
});

export const usageResponseSchema = usageFiguresSchema
  .extend({
    iccid: z.string(),
    from: z.string(),
    to: z.string(),
    country: z.string().optional(),
    byCountry: z.array(usageFiguresSchema.extend({ country: z.string() })),
  })
  .meta({ id: 'Usage' });

export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    instance: z.string().optional(),
    errors: z.array(fieldErrorSchema).optional(),
  })
  .meta({ id: 'Problem' });
