import type { TableName } from '../topology.js';
import { catalogTableDefinition } from './catalog-table.js';
import { historyTableDefinition } from './dynamo-history-store.js';
import { jobsTableDefinition } from './dynamo-job-store.js';
import { ordersTableDefinition } from './dynamo-order-store.js';
import { policiesTableDefinition } from './dynamo-policy-store.js';
import { idempotencyTableDefinition } from './idempotency.js';
import type { TableDefinition } from './table-definition.js';

/**
 * Every table's layout, by topology name: read by the CDK stack (which mirrors it) and by the local runtime
 * (which creates it in the emulator), so that neither can drift from the adapters.
 */
export const tableDefinitions: Record<TableName, TableDefinition> = {
  orders: ordersTableDefinition,
  idempotency: idempotencyTableDefinition,
  catalog: catalogTableDefinition,
  policies: policiesTableDefinition,
  history: historyTableDefinition,
  jobs: jobsTableDefinition,
};
