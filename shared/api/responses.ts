import { historyEntrySchema, historySources } from '../store/history.js';
import { orderStatusSchema } from '../store/order.js';
import * as z from '../zod.js';
import { simOptionSchema } from './requests/fields.js';

/** What the public API answers: the response bodies, for the OpenAPI document and the tests. */

export { orderStatusSchema };

export const orderAcceptedSchema = z
  .object({
    orderId: z.string(),
    status: orderStatusSchema,
    iccid: z.string(),
    planId: z.optional(z.string()),
  })
  .check(z.meta({ id: 'OrderAccepted' }));

export const fieldErrorSchema = z.object({ path: z.string(), message: z.string() });

const openOrderIdSchema = z.string().check(
  z.meta({
    description:
      'With `SIM_HAS_OPEN_ORDER`: the order of the SIM that is neither COMPLETED nor FAILED yet (GET /v1/orders/{orderId}); a new order for the SIM is accepted once it is',
  }),
);

/** A SIM of a bulk request refused alone: invalid, or (with `openOrderId`) busy with an open order. */
export const bulkRejectionSchema = z
  .object({
    iccid: z.optional(z.string()),
    index: z.number().check(z.int()),
    errors: z.array(fieldErrorSchema),
    openOrderId: z.optional(openOrderIdSchema),
  })
  .check(z.meta({ id: 'BulkRejection' }));

export const bulkActivationResponseSchema = z
  .object({
    orders: z.array(z.object({ iccid: z.string(), orderId: z.string(), status: orderStatusSchema })),
    rejected: z.array(bulkRejectionSchema),
  })
  .check(z.meta({ id: 'BulkActivationResponse' }));

export { timelineEntrySchema } from '../store/order.js';
export { jobAcceptedSchema, jobItemSchema, jobItemsSchema, jobSchema } from './responses/job.js';
export { orderSchema } from './responses/order.js';
export { policiesResponseSchema, policySchema } from './responses/policy.js';

export { reportAcceptedSchema, reportResponseSchema } from './responses/report.js';

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
        // Each is absent when Transatel's inventory does not say it: a plan is listed whatever it lacks.
        subscriptionId: z.optional(z.string()),
        planId: z.optional(z.string()),
        status: z.optional(z.string()),
        activatedAt: z.optional(z.string()),
        expiresAt: z.optional(z.string()),
        data: dataBalanceSchema,
      }),
    ),
  })
  .check(z.meta({ id: 'Balance' }));

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

export const transactionAcceptedSchema = z
  .object({
    iccid: z.string(),
    transactionId: z
      .optional(z.string())
      .check(
        z.meta({ description: 'Absent when Transatel accepted the change without naming its transaction' }),
      ),
    status: z.enum(['PENDING', 'DONE', 'FAILED', 'UNKNOWN']),
  })
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
    complete: z.boolean().check(
      z.meta({
        description:
          'false when the reading stopped at its page or time bound before the whole period was read: the figures then cover only part of it',
      }),
    ),
  })
  .check(z.meta({ id: 'Usage' }));

/** One entry of a SIM's history. */
export const simEventSchema = z
  .extend(historyEntrySchema, {
    source: z.enum(historySources).check(
      z.meta({
        description:
          "transatel: a Transatel event; order: a step of one of the SIM's orders; policy: a top-up policy's decision; operator: a call on the API",
      }),
    ),
  })
  .check(z.meta({ id: 'SimEvent' }));

export const simEventsResponseSchema = z
  .object({
    iccid: z.string(),
    events: z.array(simEventSchema).check(z.meta({ description: 'Newest first' })),
    nextCursor: z
      .optional(z.string())
      .check(z.meta({ description: 'Pass it as `cursor` for the next page; absent on the last page' })),
  })
  .check(z.meta({ id: 'SimEvents' }));

export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().check(z.int()),
    detail: z.string(),
    instance: z.optional(z.string()),
    errors: z.optional(z.array(fieldErrorSchema)),
    openOrderId: z.optional(openOrderIdSchema),
    rejected: z.optional(
      z.array(bulkRejectionSchema).check(
        z.meta({
          description:
            'With `SIM_HAS_OPEN_ORDER` on POST /v1/activations: every SIM of the request, none accepted, as `rejected` of the 202',
        }),
      ),
    ),
  })
  .check(z.meta({ id: 'Problem' }));
