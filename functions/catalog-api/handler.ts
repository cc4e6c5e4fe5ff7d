import { plansQuerySchema } from '#shared/api/requests/plans.js';
import type { planSchema } from '#shared/api/responses.js';
import { httpHandler, json } from '#shared/lambda/http.js';
import { logger } from '#shared/lambda/logger.js';
import { callTransatel } from '#shared/lambda/transatel-errors.js';
import type { CatalogProduct } from '#shared/transatel/ocs-catalog.js';
import { catalogProducts } from '#shared/wiring/plan-catalog.js';
import type * as z from '#shared/zod.js';

type Plan = z.output<typeof planSchema>;

/** A catalog product as a public plan, or undefined (with a warning) when it cannot be sold as one. */
function toPlan(product: CatalogProduct): Plan | undefined {
  const { price, validity } = product;
  if (!price || !validity) {
    logger.warn('catalog product skipped', {
      productId: product.productId,
      reason: price ? 'no validity period' : 'no price',
    });
    return undefined;
  }
  return {
    planId: product.productId,
    name: product.name,
    countries: product.countries,
    price,
    validity,
    dataBytes: product.dataBytes,
    unlimited: product.unlimited,
    category: product.category ?? 'Other',
  };
}

// Shaped once per catalogue read, so a skipped product warns once per read rather than on every request.
const plansByCatalog = new WeakMap<readonly CatalogProduct[], Plan[]>();

function plansOf(products: readonly CatalogProduct[]): Plan[] {
  let plans = plansByCatalog.get(products);
  if (!plans) {
    plans = products.map(toPlan).filter((plan): plan is Plan => plan !== undefined);
    plansByCatalog.set(products, plans);
  }
  return plans;
}

/** GET /v1/plans?country=XX: the capped plans of the COS, optionally those covering one country. */
export const handler = httpHandler({ query: plansQuerySchema }, async ({ query }) => {
  // The catalogue changes a few times a year and each read is a rate-limited Transatel call, so
  // catalogProducts() keeps the unfiltered catalogue in memory for CATALOG_CACHE_SECONDS.
  const plans = plansOf(await callTransatel(() => catalogProducts()));
  const { country } = query;
  return json(200, {
    plans: country === undefined ? plans : plans.filter((plan) => plan.countries.includes(country)),
  });
});
