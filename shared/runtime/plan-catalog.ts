import { type CatalogProduct, OcsCatalogApi } from '../transatel/ocs-catalog.js';
import * as z from '../zod.js';
import { transatelApi } from './clients/transatel.js';
import { loadConfig } from './config.js';
import { lazy } from './lazy.js';

/**
 * The COS catalogue for catalog-api (GET /v1/plans), cached per container: plans change rarely, so one
 * catalogue read serves many requests. The ordering APIs check plan ids against catalog-sync's copy instead
 * (known-plans.ts).
 */
const cacheEnv = z.object({
  CATALOG_CACHE_SECONDS: z._default(z.coerce.number().check(z.int(), z.minimum(0), z.maximum(86_400)), 300),
});
const cacheTtlMs = lazy(() => loadConfig(cacheEnv).CATALOG_CACHE_SECONDS * 1000);

const ocsCatalog = transatelApi(OcsCatalogApi);

let cached: { products: CatalogProduct[]; fetchedAt: number } | undefined;
let inflight: Promise<CatalogProduct[]> | undefined;

export async function catalogProducts(now: number = Date.now()): Promise<CatalogProduct[]> {
  const ttlMs = cacheTtlMs();
  if (cached && now - cached.fetchedAt < ttlMs) return cached.products;
  inflight ??= ocsCatalog()
    .listProducts()
    .then((products) => {
      cached = { products, fetchedAt: Date.now() };
      return products;
    })
    .finally(() => {
      inflight = undefined;
    });
  return inflight;
}

/** For tests: forget the cached catalogue. */
export function resetCatalogCache(): void {
  cached = undefined;
}
