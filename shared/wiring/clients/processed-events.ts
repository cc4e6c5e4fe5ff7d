import { lazy } from '#shared/lazy.js';
import { DynamoProcessedEventStore, type ProcessedEventStore } from '#shared/store/processed-events.js';
import { loadConfig } from '../config.js';
import { historyTableEnv, idempotencyTableEnv } from '../env/tables.js';
import { documentClient } from './dynamo.js';

/**
 * Processed-event claims (the events worker's, the policy worker's), in the idempotency table, on the
 * container's document client.
 */
export const processedEventStore = lazy((): ProcessedEventStore => {
  const { IDEMPOTENCY_TABLE_NAME } = loadConfig(idempotencyTableEnv);
  return new DynamoProcessedEventStore({ client: documentClient(), tableName: IDEMPOTENCY_TABLE_NAME });
});

/** The events worker's: its completions also file the event in its SIM's history, in the same write. */
export const processedEventFiler = lazy((): ProcessedEventStore => {
  const { IDEMPOTENCY_TABLE_NAME } = loadConfig(idempotencyTableEnv);
  const { HISTORY_TABLE_NAME, HISTORY_RETENTION_DAYS } = loadConfig(historyTableEnv);
  return new DynamoProcessedEventStore({
    client: documentClient(),
    tableName: IDEMPOTENCY_TABLE_NAME,
    history: { tableName: HISTORY_TABLE_NAME, retentionDays: HISTORY_RETENTION_DAYS },
  });
});
