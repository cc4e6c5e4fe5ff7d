import { lazy } from '#shared/lazy.js';
import { DynamoProcessedEventStore, type ProcessedEventStore } from '#shared/store/processed-events.js';
import { loadConfig } from '../config.js';
import { idempotencyTableEnv } from '../env/tables.js';
import { documentClient } from './dynamo.js';

/**
 * Processed-event claims (the events worker's, the policy worker's), in the idempotency table, on the
 * container's document client.
 */
export const processedEventStore = lazy((): ProcessedEventStore => {
  const { IDEMPOTENCY_TABLE_NAME } = loadConfig(idempotencyTableEnv);
  return new DynamoProcessedEventStore({ client: documentClient(), tableName: IDEMPOTENCY_TABLE_NAME });
});
