import { DynamoOrderStore } from '../../store/dynamo-order-store.js';
import { createDocumentClient } from '../../store/dynamo-support.js';
import { DynamoIdempotencyStore, type IdempotencyStore } from '../../store/idempotency.js';
import type { OrderStore } from '../../store/order-store.js';
import { awsClientSettings } from '../aws.js';
import { idempotencyTableEnv, loadConfig, ordersTableEnv } from '../config.js';
import { lazy } from '../lazy.js';

const documentClient = lazy(() => createDocumentClient(awsClientSettings()));

export const orderStore = lazy((): OrderStore => {
  const { ORDERS_TABLE_NAME } = loadConfig(ordersTableEnv);
  return new DynamoOrderStore({ client: documentClient(), tableName: ORDERS_TABLE_NAME });
});

export const idempotencyStore = lazy((): IdempotencyStore => {
  const { IDEMPOTENCY_TABLE_NAME } = loadConfig(idempotencyTableEnv);
  return new DynamoIdempotencyStore({ client: documentClient(), tableName: IDEMPOTENCY_TABLE_NAME });
});
