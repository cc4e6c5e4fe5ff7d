import type { TableDefinition } from './table-definition.js';

/** catalog-sync's copy of the plan catalogue: one small item per kind of reference data (today `plans`). */
export const catalogTableDefinition = {
  partitionKey: { name: 'catalogKey', type: 'S' },
  globalSecondaryIndexes: [],
} as const satisfies TableDefinition;
