import { lazy } from '#shared/lazy.js';
import { DynamoPlanCatalogStore, type PlanCatalogStore } from '#shared/store/plan-catalog-store.js';
import { loadConfig } from '../config.js';
import { catalogTableEnv } from '../env/tables.js';
import { documentClient } from './dynamo.js';

/** catalog-sync's copy of the catalogue's plan ids, in the catalog table. */
export const planCatalogStore = lazy((): PlanCatalogStore => {
  const { CATALOG_TABLE_NAME } = loadConfig(catalogTableEnv);
  return new DynamoPlanCatalogStore({ client: documentClient(), tableName: CATALOG_TABLE_NAME });
});
