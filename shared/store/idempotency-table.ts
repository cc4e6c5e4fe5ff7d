import type { TableDefinition } from './table-definition.js';

/** The idempotency table's keys: shared by the API's records and the events worker's Powertools records. */
export const idempotencyTableDefinition = {
  partitionKey: { name: 'recordKey', type: 'S' },
  globalSecondaryIndexes: [],
  timeToLiveAttribute: 'expiresAt',
} as const satisfies TableDefinition;
