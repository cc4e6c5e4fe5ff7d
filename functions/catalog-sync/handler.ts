import { logger } from '#shared/lambda/logger.js';
import { scheduledHandler } from '#shared/lambda/scheduled.js';
import { copyPlanCatalog } from '#shared/store/plan-catalog-store.js';
import { OcsCatalogApi } from '#shared/transatel/ocs-catalog.js';
import { planCatalogStore } from '#shared/wiring/clients/plan-catalog-store.js';
import { transatelApi, transatelHttp } from '#shared/wiring/clients/transatel.js';

const ocsCatalog = transatelApi(OcsCatalogApi);

/**
 * Every few minutes (EventBridge): the plan ids of the COS's available products, copied into the catalog
 * table, where activation-api and plan-api check each order's plan without calling Transatel.
 */
export const handler = scheduledHandler(async () => {
  const { cos } = transatelHttp().settings;
  const snapshot = await copyPlanCatalog({
    products: await ocsCatalog().listProducts(),
    cos,
    store: planCatalogStore(),
    now: new Date(),
  });
  logger.info('plan catalogue copied', { cos, plans: snapshot.planIds.length });
  return { cos, plans: snapshot.planIds.length };
});
