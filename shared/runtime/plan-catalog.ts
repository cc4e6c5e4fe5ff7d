import { type CatalogProduct, OcsCatalogApi } from '../transatel/ocs-catalog.js';
import * as z from '../zod.js';
import { transatelApi } from './clients/transatel.js';
import { loadConfig } from './config.js';
import { lazy } from './lazy.js';
import { logger } from './logger.js';

/**
 * The COS catalogue, cached per container. Plans change rarely, and ordering APIs check plan ids on
 * every request, so one catalogue read serves many requests.
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

/**
 * Plan ids of the catalogue, or undefined when Transatel cannot be read right now: the order is then
 * accepted and an unknown plan fails it later with Transatel's PRODUCT_NOT_FOUND, rather than
 * refusing every order while Transatel is down.
 */
export async function knownPlanIds(): Promise<Set<string> | undefined> {
  try {
    return new Set((await catalogProducts()).map((product) => product.productId));
  } catch (error) {
    logger.warn('plan catalogue unavailable; plan ids are not checked', { error });
    return undefined;
  }
}

/** For tests: forget the cached catalogue. */
export function resetCatalogCache(): void {
  cached = undefined;
}
