import { logger } from '../lambda/logger.js';
import { cachedFor, lazy } from '../lazy.js';
import type { PlanCatalogStore } from '../store/plan-catalog-store.js';
import * as z from '../zod.js';
import { planCatalogStore } from './clients/plan-catalog-store.js';
import { loadConfig } from './config.js';

export interface PlanCheckSettings {
  /** How long a container reuses the copy it read. */
  cacheSeconds: number;
  /** A copy older than this (catalog-sync failing for that long) is not trusted to refuse a plan. */
  maxAgeSeconds: number;
}

/**
 * The plan ids orders are checked against: catalog-sync's copy of the catalogue (catalog table), read at most
 * once per `cacheSeconds`; through a failed read, the last copy read while it is young enough. Undefined when
 * there is no trustworthy copy (none yet, too old, unreadable): the order is then accepted and an unknown plan
 * fails it later with Transatel's PRODUCT_NOT_FOUND, rather than refusing every order.
 */
export function planIdsReader(options: {
  store: () => PlanCatalogStore;
  settings: () => PlanCheckSettings;
}): (now?: number) => Promise<Set<string> | undefined> {
  // The last copy read, kept through a failed read for as long as it is young enough to trust.
  let lastRead: { planIds: Set<string>; fetchedAt: number } | undefined;
  const trusted = (fetchedAt: number, now: number) =>
    (now - fetchedAt) / 1000 <= options.settings().maxAgeSeconds;

  const read = async (now: number): Promise<Set<string> | undefined> => {
    try {
      const snapshot = await options.store().read();
      if (!snapshot) {
        logger.warn('no copy of the plan catalogue yet (catalog-sync has not run): plan ids are not checked');
        return undefined;
      }
      const fetchedAt = Date.parse(snapshot.fetchedAt);
      if (!trusted(fetchedAt, now)) {
        logger.warn('the copy of the plan catalogue is too old to refuse plans: plan ids are not checked', {
          fetchedAt: snapshot.fetchedAt,
        });
        return undefined;
      }
      lastRead = { planIds: new Set(snapshot.planIds), fetchedAt };
      return lastRead.planIds;
    } catch (error) {
      if (lastRead && trusted(lastRead.fetchedAt, now)) {
        logger.warn('the copy of the plan catalogue is unreadable: checking against the last one read', {
          error,
        });
        return lastRead.planIds;
      }
      logger.warn('the copy of the plan catalogue is unreadable: plan ids are not checked', { error });
      return undefined;
    }
  };

  const planIds = cachedFor(() => options.settings().cacheSeconds * 1000, read);
  return (now = Date.now()) => planIds.get(now);
}

const planCheckEnv = z.object({
  PLAN_CHECK_CACHE_SECONDS: z._default(z.coerce.number().check(z.int(), z.minimum(0), z.maximum(3600)), 60),
  PLAN_CHECK_MAX_AGE_SECONDS: z._default(z.coerce.number().check(z.int(), z.minimum(60)), 3600),
});

/** This container's reader, on the catalog table named by CATALOG_TABLE_NAME. */
export const knownPlanIds = planIdsReader({
  store: planCatalogStore,
  settings: lazy(() => {
    const env = loadConfig(planCheckEnv);
    return { cacheSeconds: env.PLAN_CHECK_CACHE_SECONDS, maxAgeSeconds: env.PLAN_CHECK_MAX_AGE_SECONDS };
  }),
});
