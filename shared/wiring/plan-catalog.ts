import { cachedFor, lazy } from '../lazy.js';
import { type CatalogProduct, OcsCatalogApi } from '../transatel/ocs-catalog.js';
import * as z from '../zod.js';
import { transatelApi } from './clients/transatel.js';
import { loadConfig } from './config.js';

/**
 * The COS catalogue for catalog-api (GET /v1/plans), cached per container: plans change rarely, so one
 * catalogue read serves many requests. The ordering APIs check plan ids against catalog-sync's copy instead
 * (known-plans.ts).
 */
const cacheEnv = z.object({
  CATALOG_CACHE_SECONDS: z._default(z.coerce.number().check(z.int(), z.minimum(0), z.maximum(86_400)), 300),
});
const ocsCatalog = transatelApi(OcsCatalogApi);

const catalog = cachedFor(
  lazy(() => loadConfig(cacheEnv).CATALOG_CACHE_SECONDS * 1000),
  () => ocsCatalog().listProducts(),
);

export function catalogProducts(now: number = Date.now()): Promise<CatalogProduct[]> {
  return catalog.get(now);
}

/** For tests: forget the cached catalogue. */
export function resetCatalogCache(): void {
  catalog.reset();
}
