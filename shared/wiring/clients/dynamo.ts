import { lazy } from '#shared/lazy.js';
import { DynamoOrderStore } from '#shared/store/dynamo-order-store.js';
import type { OrderStore } from '#shared/store/order-store.js';
import { DynamoWebhookTimingStore, type WebhookTimingStore } from '#shared/store/webhook-timing.js';
import { loadConfig } from '../config.js';
import { ordersTableEnv } from '../env/tables.js';
import { documentClient } from './document-client.js';

export { documentClient };

export const orderStore = lazy((): OrderStore => {
  const { ORDERS_TABLE_NAME } = loadConfig(ordersTableEnv);
  return new DynamoOrderStore({ client: documentClient(), tableName: ORDERS_TABLE_NAME });
});

/** The plan workers' webhook timing, one item of the orders table (shared/store/webhook-timing.ts). */
export const webhookTimingStore = lazy((): WebhookTimingStore => {
  const { ORDERS_TABLE_NAME } = loadConfig(ordersTableEnv);
  return new DynamoWebhookTimingStore({ client: documentClient(), tableName: ORDERS_TABLE_NAME });
});
