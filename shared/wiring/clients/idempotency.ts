import { lazy } from '#shared/lazy.js';
import { DynamoIdempotencyStore, type IdempotencyStore } from '#shared/store/idempotency.js';
import { loadConfig } from '../config.js';
import { idempotencyTableEnv } from '../env/tables.js';
import { documentClient } from './dynamo.js';

/** The API's Idempotency-Key records, on the container's DynamoDB document client. */
export const idempotencyStore = lazy((): IdempotencyStore => {
  const { IDEMPOTENCY_TABLE_NAME } = loadConfig(idempotencyTableEnv);
  return new DynamoIdempotencyStore({ client: documentClient(), tableName: IDEMPOTENCY_TABLE_NAME });
});
