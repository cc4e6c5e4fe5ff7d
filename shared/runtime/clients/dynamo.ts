import { lazy } from '../../lazy.js';
import { DynamoOrderStore } from '../../store/dynamo-order-store.js';
import { createDocumentClient } from '../../store/dynamo-support.js';
import type { OrderStore } from '../../store/order-store.js';
import { awsClientSettings } from '../aws.js';
import { loadConfig } from '../config.js';
import { ordersTableEnv } from '../env/tables.js';

export const documentClient = lazy(() => createDocumentClient(awsClientSettings()));

export const orderStore = lazy((): OrderStore => {
  const { ORDERS_TABLE_NAME } = loadConfig(ordersTableEnv);
  return new DynamoOrderStore({ client: documentClient(), tableName: ORDERS_TABLE_NAME });
});
