import * as z from 'zod';
import { type CanSubscribe, ELIGIBLE, type ProductDef, productDetailsView } from '../catalog.js';
import type { SimulatorCore } from '../core.js';
import { testModeOrderRefusal } from '../domain/orders.js';
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
  /** 1-based; with `size`, one page of the filtered list. */
  page: z.coerce.number().int().min(1).default(1),
  size: z.coerce.number().int().min(1).max(1000).optional(),
});

/** `path?<original query without page/size>&page=N&size=M`: the query of a link to another page. */
function pageHref(path: string, query: URLSearchParams, page: number, size: number): string {
  const params = new URLSearchParams();
  for (const [key, value] of query) if (key !== 'page' && key !== 'size') params.append(key, value);
  params.set('page', String(page));
  params.set('size', String(size));
  return `${path}?${params}`;
}

const productSchema = z.object({ msisdn: z.string().optional() });

function requireCos(core: SimulatorCore, cos: string | undefined): string {
  if (cos !== core.options.cos) {
    throw new ProblemError(403, 'INSUFFICIENT_PERMISSION', `Access to COS ${cos} is not allowed`);
  }
  return cos;
}

/**
 * Simulator rule: every product is eligible for Available/Pre-activated/Active subscribers, and for TestMode
 * ones unless /_sim/config says `testModePlans: 'refuse'`.
 */
function eligibility(core: SimulatorCore, def: ProductDef, sim: Sim): CanSubscribe {
  const testModeRefusal = testModeOrderRefusal(core, sim);
  if (testModeRefusal) {
    return { allowed: false, errorKey: 'PRODUCT_NOT_ELIGIBLE', errorMessage: testModeRefusal };
  }
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
        // Without `size`, the variant's page size, else the whole list on one page.
        const size = q.size ?? core.variant.catalogPageSize ?? Math.max(1, products.length);
        const start = (q.page - 1) * size;
        const shown = products.slice(start, start + size);
        const links = [{ rel: 'self', href: pageHref(ctx.path, ctx.query, q.page, size) }];
        if (start + size < products.length) {
          links.push({ rel: 'next', href: pageHref(ctx.path, ctx.query, q.page + 1, size) });
        }
        return json(200, {
          cos,
          currentLocale: localeOf(ctx.headers['accept-language']),
          products: shown.map((p) => core.variant.catalogProduct(productDetailsView(p, ELIGIBLE))),
          ...(core.variant.catalogLinks ? { links } : {}),
        });
      },
    },
    {
      id: 'catalogProduct',
      method: 'GET',
      pattern: `${BASE}/:productId`,
      handler: (ctx) => {
        const cos = requireCos(core, ctx.params.cos);
        const q = parseWith(productSchema, queryObject(ctx.query), 'query');
        const sim = q.msisdn === undefined ? undefined : requireSubscriberByMsisdn(core, q.msisdn, 'msisdn');
        const def = core.product(ctx.params.productId ?? '');
        if (!def)
          throw new ProblemError(404, 'PRODUCT_NOT_FOUND', `Product ${ctx.params.productId} is unknown`);
        const item = core.variant.catalogProduct(
          productDetailsView(def, sim ? eligibility(core, def, sim) : ELIGIBLE),
        );
        return json(
          200,
          core.variant.catalogItem(item, { cos, currentLocale: localeOf(ctx.headers['accept-language']) }),
        );
      },
    },
  ];
}
