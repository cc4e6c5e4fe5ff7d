import { DynamoPlanCatalogStore, type PlanCatalogStore } from '../../store/plan-catalog-store.js';
import * as z from '../../zod.js';
import { loadConfig, nonEmptyString } from '../config.js';
import { lazy } from '../lazy.js';
import { documentClient } from './dynamo.js';

const catalogTableEnv = z.object({ CATALOG_TABLE_NAME: nonEmptyString() });

/** catalog-sync's copy of the catalogue's plan ids, in the catalog table. */
export const planCatalogStore = lazy((): PlanCatalogStore => {
  const { CATALOG_TABLE_NAME } = loadConfig(catalogTableEnv);
  return new DynamoPlanCatalogStore({ client: documentClient(), tableName: CATALOG_TABLE_NAME });
});
