import { lazy } from '#shared/lazy.js';
import { DynamoPolicyStore } from '#shared/store/dynamo-policy-store.js';
import type { PolicyStore } from '#shared/store/policy.js';
import { loadConfig } from '../config.js';
import { policiesTableEnv } from '../env/tables.js';
import { documentClient } from './dynamo.js';

/** The top-up policies, in the policies table (shared with the policy engine's own items). */
export const policyStore = lazy((): PolicyStore => {
  const { POLICIES_TABLE_NAME } = loadConfig(policiesTableEnv);
  return new DynamoPolicyStore({ client: documentClient(), tableName: POLICIES_TABLE_NAME });
});
