import * as z from '#shared/zod.js';
import {
  activationRequestSchema,
  bulkActivationRequestSchema,
  bulkActivationResponseSchema,
  bulkSimSchema,
  iccidParamsSchema,
  idempotencyHeadersSchema,
  MAX_BULK_SIMS,
  orderAcceptedSchema,
  orderParamsSchema,
  orderSchema,
  planOrderRequestSchema,
  resolveRequestSchema,
} from '../schemas.js';
import type { OperationSpec } from './spec.js';

/** The Orders routes of the OpenAPI document: activations (one SIM or many), plans, orders. */

/**
 * The bulk body is validated loosely as a whole and strictly per SIM (a bad SIM is rejected alone), so
 * the document shows what each item must be.
 */
const bulkActivationDocSchema = z
  .strictObject({
    ...bulkActivationRequestSchema.shape,
    sims: z
      .array(
        bulkSimSchema.check(
          z.meta({
            id: 'BulkSim',
            description:
              'One SIM, merged over `defaults`. An invalid item is listed in `rejected`; the others go ahead.',
          }),
        ),
      )
      .check(z.minLength(1), z.maxLength(MAX_BULK_SIMS)),
  })
  .check(z.meta({ id: 'BulkActivationRequest' }));

export const orderOperations: Readonly<Record<string, OperationSpec>> = {
  'POST /v1/sims/{iccid}/activation': {
    operationId: 'activateSim',
    summary: 'Activate a SIM, then subscribe a plan',
    description:
      'Records the order and queues it; the workflow activates an Available SIM (or goes straight to the plan for a Pre-activated or Active one), then orders the plan. Follow it with GET /v1/orders/{orderId}. An unknown planId is a 400. A SIM has one open order at a time: while it has one that is neither COMPLETED nor FAILED, this is a 409 `SIM_HAS_OPEN_ORDER` naming it in `openOrderId` (the same Idempotency-Key and body still get their own order).',
    tag: 'Orders',
    params: iccidParamsSchema,
    headers: idempotencyHeadersSchema,
    body: { schema: activationRequestSchema, required: true },
    success: { status: 202, description: 'Order accepted', schema: orderAcceptedSchema },
    problems: [400, 'orderConflict', 413, 503],
  },
  'POST /v1/activations': {
    operationId: 'activateSims',
    summary: `Activate up to ${MAX_BULK_SIMS} SIMs in one call`,
    description:
      'Each SIM is checked on its own: an invalid SIM, or one with an order that is neither COMPLETED nor FAILED (`openOrderId`), is listed in `rejected` and the others go ahead. When none goes ahead: 400 if all are invalid, else 409 `SIM_HAS_OPEN_ORDER`.',
    tag: 'Orders',
    headers: idempotencyHeadersSchema,
    body: { schema: bulkActivationDocSchema, required: true },
    success: {
      status: 202,
      description: 'Orders accepted for the valid SIMs; the others listed in `rejected`',
      schema: bulkActivationResponseSchema,
    },
    problems: [400, 'bulkActivationConflict', 413, 503],
  },
  'GET /v1/orders/{orderId}': {
    operationId: 'getOrder',
    summary: 'An order: status, timeline, Transatel ids, failure reason',
    tag: 'Orders',
    params: orderParamsSchema,
    success: { status: 200, description: 'The order', schema: orderSchema },
    problems: [400, 404],
  },
  'POST /v1/orders/{orderId}/resolve': {
    operationId: 'resolveOrder',
    summary: 'Settle an order held for review (NEEDS_REVIEW)',
    description:
      "An order stops in NEEDS_REVIEW when its plan may have been bought and Transatel cannot prove either way (its `failure` holds the evidence). After checking the SIM's plans (GET /v1/sims/{iccid}/balance): `subscribed` completes it, `retry` orders the plan again, `abandon` fails it. Recorded in the timeline with the caller's IAM principal. 409 when the order is not in review.",
    tag: 'Orders',
    params: orderParamsSchema,
    body: { schema: resolveRequestSchema, required: true },
    success: { status: 200, description: 'The order, resolved', schema: orderSchema },
    problems: [400, 404, 409, 413],
  },
  'POST /v1/sims/{iccid}/plans': {
    operationId: 'orderPlan',
    summary: 'Order a plan (top-up) for an Active or Pre-activated SIM',
    description:
      'While the SIM has an order that is neither COMPLETED nor FAILED (its activation, or another plan), this is a 409 `SIM_HAS_OPEN_ORDER` naming it in `openOrderId`; the same Idempotency-Key and body still get their own order.',
    tag: 'Orders',
    params: iccidParamsSchema,
    headers: idempotencyHeadersSchema,
    body: { schema: planOrderRequestSchema, required: true },
    success: { status: 202, description: 'Order accepted', schema: orderAcceptedSchema },
    problems: [400, 'orderConflict', 413, 503],
  },
};
