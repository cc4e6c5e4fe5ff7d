import * as z from 'zod';
import type { SimulatorCore } from '../core.js';
import { placeOrder } from '../domain/orders.js';
import { jsonBody } from '../http.js';
import { badRequest, ProblemError } from '../problem.js';
import type { RouteDef } from '../router.js';
import { parseWith } from '../validation.js';
import { compact } from '../views.js';
import { requiredString, requireSubscriberByMsisdn } from './common.js';

const PROVIDERS = ['customer', 'credit'];
const ORDER_TYPES = ['preload', 'subscribe'] as const;

const orderSchema = z.object({
  bind: z.object({ msisdn: requiredString() }),
  product: z.object({ productId: requiredString() }),
  payment: z.object({ provider: requiredString() }),
  orderType: requiredString(),
  mvnoRef: requiredString(),
  source: z.string().optional(),
  transactionReference: z.string().max(255).optional(),
});

export function ocsOrderRoutes(core: SimulatorCore): RouteDef[] {
  return [
    {
      id: 'ocsOrder',
      method: 'POST',
      pattern: '/ocs/subscriptions/api/orders/products',
      handler: (ctx) => {
        const body = parseWith(orderSchema, jsonBody(ctx), 'body');
        if (!PROVIDERS.includes(body.payment.provider.toLowerCase())) {
          throw badRequest(`Invalid field 'payment.provider': expected one of Customer, Credit`);
        }
        const orderType = ORDER_TYPES.find((t) => t === body.orderType);
        if (!orderType)
          throw badRequest(`Invalid field 'orderType': expected one of ${ORDER_TYPES.join(', ')}`);
        const sim = requireSubscriberByMsisdn(
          core,
          body.bind.msisdn,
          'bind.msisdn',
          'Order failed - Subscriber is unknown',
        );
        if (body.mvnoRef !== core.options.mvnoRef) {
          throw new ProblemError(403, 'INSUFFICIENT_PERMISSION', `Access denied for mvnoRef ${body.mvnoRef}`);
        }
        core.counters.ocsOrder(sim.iccid);
        const def = core.product(body.product.productId);
        if (!def) {
          throw new ProblemError(
            400,
            'PRODUCT_NOT_FOUND',
            `Order failed - Product ${body.product.productId} is unknown`,
          );
        }
        const { sub, emitEvents } = placeOrder(core, sim, def, orderType, body.transactionReference);
        const answer = core.variant.write('ocsOrder', {
          status: 201,
          body: compact({
            id: sub.orderId,
            orderReference: `ORD-${sub.orderId.slice(0, 8).toUpperCase()}`,
            status: 'done',
            submissionDate: sub.subscriptionDate,
            bind: { msisdn: body.bind.msisdn },
            source: body.source ?? 'api',
            mvnoRef: body.mvnoRef,
            subscriptionId: sub.subscriptionId,
            transactionReference: body.transactionReference,
          }),
        });
        return { ...answer, after: emitEvents };
      },
    },
  ];
}
