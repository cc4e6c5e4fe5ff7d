import type { TableDefinition } from './table-definition.js';

/** The idempotency table's keys, for the API's Idempotency-Key records and the processed-event claims. */
export const idempotencyTableDefinition = {
  partitionKey: { name: 'recordKey', type: 'S' },
  globalSecondaryIndexes: [],
  timeToLiveAttribute: 'expiresAt',
} as const satisfies TableDefinition;
