import { lazy } from '#shared/lazy.js';
import { DynamoHistoryStore } from '#shared/store/dynamo-history-store.js';
import type { HistoryStore } from '#shared/store/history.js';
import { loadConfig } from '../config.js';
import { historyTableEnv } from '../env/tables.js';
import { documentClient } from './document-client.js';

/** The SIMs' history table, on the container's DynamoDB document client, with the stage's retention. */
export const historyStore = lazy((): HistoryStore => {
  const { HISTORY_TABLE_NAME, HISTORY_RETENTION_DAYS } = loadConfig(historyTableEnv);
  return new DynamoHistoryStore({
    client: documentClient(),
    tableName: HISTORY_TABLE_NAME,
    retentionDays: HISTORY_RETENTION_DAYS,
  });
});

/** The retention reads apply to what is not in the table (the orders' steps). */
export const historyRetentionDays = lazy(() => loadConfig(historyTableEnv).HISTORY_RETENTION_DAYS);
