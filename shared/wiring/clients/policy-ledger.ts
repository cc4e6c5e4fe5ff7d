import { lazy } from '#shared/lazy.js';
import { DynamoPolicyLedger, type PolicyLedger } from '#shared/store/policy-ledger.js';
import { loadConfig } from '../config.js';
import { policiesTableEnv } from '../env/tables.js';
import { documentClient } from './dynamo.js';

/** The policy engine's limits and the sweep's marks, beside the policies in their table. */
export const policyLedger = lazy((): PolicyLedger => {
  const { POLICIES_TABLE_NAME } = loadConfig(policiesTableEnv);
  return new DynamoPolicyLedger({ client: documentClient(), tableName: POLICIES_TABLE_NAME });
});
