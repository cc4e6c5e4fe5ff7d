import { orderSchema as storedOrderSchema } from '#shared/store/order.js';
import * as z from '#shared/zod.js';

/**
 * The stored order minus its bookkeeping (version, idempotency key and hash, plan claim, activate-first, attempt
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
    policyId: true,
    failure: true,
    timeline: true,
    createdAt: true,
    updatedAt: true,
  })
  .check(z.meta({ id: 'Order' }));
