import * as z from 'zod';
import { type CanSubscribe, ELIGIBLE, type ProductDef, productDetailsView } from '../catalog.js';
import type { SimulatorCore } from '../core.js';
import { json } from '../http.js';
import { ProblemError } from '../problem.js';
import type { RouteDef } from '../router.js';
import type { Sim } from '../state.js';
import { parseWith, queryObject } from '../validation.js';
import { localeOf, requireSubscriberByMsisdn } from './common.js';

const BASE = '/ocs/catalog/api/cos/:cos/products';

const listSchema = z.object({
  availabilityStatus: z.enum(['AVAILABLE', 'UNAVAILABLE']).optional(),
  categories: z.array(z.enum(['One-off', 'Recurring', 'Add-on'])).optional(),
});

const productSchema = z.object({ msisdn: z.string().optional() });

function requireCos(core: SimulatorCore, cos: string | undefined): string {
  if (cos !== core.options.cos) {
    throw new ProblemError(403, 'INSUFFICIENT_PERMISSION', `Access to COS ${cos} is not allowed`);
  }
  return cos;
}

/** Simulator rule: every product is eligible for Available/Pre-activated/Active subscribers. */
function eligibility(def: ProductDef, sim: Sim): CanSubscribe {
  if (sim.status === 'Suspended' || sim.status === 'Terminated') {
    return {
      allowed: false,
      errorKey: 'PRODUCT_NOT_ELIGIBLE',
      errorMessage: `Subscriber status ${sim.status} does not allow new products`,
    };
  }
  if (!def.available) {
    return {
      allowed: false,
      errorKey: 'PRODUCT_NOT_ELIGIBLE',
      errorMessage: `Product ${def.productId} is not available`,
    };
  }
  return ELIGIBLE;
}

export function catalogRoutes(core: SimulatorCore): RouteDef[] {
  return [
    {
      id: 'catalogList',
      method: 'GET',
      pattern: BASE,
      handler: (ctx) => {
        const cos = requireCos(core, ctx.params.cos);
        const q = parseWith(listSchema, queryObject(ctx.query, ['categories']), 'query');
        const categories = q.categories?.length ? new Set<string>(q.categories) : undefined;
        const products = core.catalog.filter(
          (p) =>
            (q.availabilityStatus === undefined || p.available === (q.availabilityStatus === 'AVAILABLE')) &&
            (!categories || categories.has(p.category)),
        );
        return json(200, {
          cos,
          currentLocale: localeOf(ctx.headers['accept-language']),
          products: products.map((p) => productDetailsView(p, ELIGIBLE)),
        });
      },
    },
    {
      id: 'catalogProduct',
      method: 'GET',
      pattern: `${BASE}/:productId`,
      handler: (ctx) => {
        requireCos(core, ctx.params.cos);
        const q = parseWith(productSchema, queryObject(ctx.query), 'query');
        const sim = q.msisdn === undefined ? undefined : requireSubscriberByMsisdn(core, q.msisdn, 'msisdn');
        const def = core.product(ctx.params.productId ?? '');
        if (!def)
          throw new ProblemError(404, 'PRODUCT_NOT_FOUND', `Product ${ctx.params.productId} is unknown`);
        return json(200, productDetailsView(def, sim ? eligibility(def, sim) : ELIGIBLE));
      },
    },
  ];
}
