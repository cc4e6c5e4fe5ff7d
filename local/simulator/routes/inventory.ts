import * as z from 'zod';
import type { SimulatorCore } from '../core.js';
import { json } from '../http.js';
import { ProblemError } from '../problem.js';
import type { RouteDef } from '../router.js';
import type { ProductStatus, ProductSubscription } from '../state.js';
import { parseWith, queryObject } from '../validation.js';
import { productSubscriptionView } from '../views.js';
import { booleanParam, localeOf, requiredString, requireSubscriberByMsisdn } from './common.js';

const BASE = '/ocs/inventory/api/subscriptions/products';

const STATUSES = [
  'pending',
  'pendingForFirstUse',
  'readyForUse',
  'scheduled',
  'active',
  'suspended',
  'canceled',
  'expired',
  'terminated',
] as const;

const listSchema = z.object({
  msisdn: requiredString(),
  statuses: z.array(z.enum(STATUSES)).optional(),
  withBalances: booleanParam.optional(),
});

const getSchema = z.object({ withBalances: booleanParam.optional() });

export function inventoryRoutes(core: SimulatorCore): RouteDef[] {
  const view = (sub: ProductSubscription, withBalances: boolean) =>
    core.variant.productSubscription(productSubscriptionView(sub, core.product(sub.productId), withBalances));
  return [
    {
      id: 'inventoryList',
      method: 'GET',
      pattern: BASE,
      handler: (ctx) => {
        const q = parseWith(listSchema, queryObject(ctx.query, ['statuses']), 'query');
        const sim = requireSubscriberByMsisdn(core, q.msisdn, 'msisdn');
        const wanted: ReadonlySet<ProductStatus | string> | undefined = q.statuses?.length
          ? new Set(q.statuses)
          : undefined;
        const subs = sim.products.filter((s) => !wanted || wanted.has(s.status));
        return json(200, {
          currentLocale: localeOf(ctx.headers['accept-language']),
          productSubscriptions: core.variant.inventoryList(subs.map((s) => view(s, q.withBalances ?? false))),
        });
      },
    },
    {
      id: 'inventoryGet',
      method: 'GET',
      pattern: `${BASE}/:subscriptionId`,
      handler: (ctx) => {
        const q = parseWith(getSchema, queryObject(ctx.query), 'query');
        const sub = core.state.subscriptions.get(ctx.params.subscriptionId ?? '');
        if (!sub) throw new ProblemError(404, 'SUBSCRIPTION_NOT_FOUND', 'Product subscription is unknown');
        return json(
          200,
          core.variant.inventoryItem(
            view(sub, q.withBalances ?? false),
            localeOf(ctx.headers['accept-language']),
          ),
        );
      },
    },
  ];
}
