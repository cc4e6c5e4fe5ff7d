import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DynamoOrderStore,
  ordersTableDefinition,
  ordersTableIndexes,
  simMarkerKey,
} from '#shared/store/dynamo-order-store.js';
import { isTerminal, type Order } from '#shared/store/order.js';
import { type LocalDynamo, startLocalDynamo } from './dynalite-server.js';
import { anOrder, describeOrderStoreContract } from './order-store-contract.js';

const tableName = 'orders-test';
let dynamo: LocalDynamo;
let store: DynamoOrderStore;

beforeAll(async () => {
  dynamo = await startLocalDynamo();
  await dynamo.createTable(ordersTableDefinition, tableName);
  store = new DynamoOrderStore({ client: dynamo.documentClient, tableName });
});

afterAll(async () => {
  await dynamo?.close();
});

describeOrderStoreContract('DynamoOrderStore on dynalite', () => store, {
  async plantSimMarker(iccid, openOrderId) {
    await dynamo.documentClient.send(
      new PutCommand({
        TableName: tableName,
        Item: { orderId: simMarkerKey(iccid), openOrderId, since: new Date().toISOString() },
      }),
    );
  },
  async simMarkerHolder(iccid) {
    const { Item } = await dynamo.documentClient.send(
      new GetCommand({ TableName: tableName, Key: { orderId: simMarkerKey(iccid) }, ConsistentRead: true }),
    );
    return Item?.openOrderId as string | undefined;
  },
});

describe('DynamoOrderStore specifics', () => {
  it('creates the table from the exported definition, indexes included', async () => {
    const client = new DynamoDBClient({
      endpoint: dynamo.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    client.destroy();
    expect(Table?.KeySchema).toEqual([{ AttributeName: 'orderId', KeyType: 'HASH' }]);
    expect(Table?.GlobalSecondaryIndexes?.map((index) => index.IndexName).sort()).toEqual([
      'byIccid',
      'byTransactionId',
    ]);
  });

  it('writes 1,000 orders with createMany, claims every SIM and finds every one', async () => {
    const orders = Array.from({ length: 1_000 }, () => anOrder());

    expect(await store.createMany(orders)).toEqual([]);

    const found = await Promise.all(orders.map((order) => store.get(order.orderId)));
    expect(found).toEqual(orders);
    expect(found.every((order) => order?.status === 'RECEIVED' && !isTerminal(order.status))).toBe(true);
    const sample = orders[567] as Order;
    expect(await store.findActiveByIccid(sample.iccid)).toEqual([sample]);
    expect(await store.findOpenOrderId(sample.iccid)).toBe(sample.orderId);
  });

  it('keeps a SIM marker in the orders table without the attributes the indexes are keyed on', async () => {
    const order = anOrder();
    await store.create(order);
    const transactionId = `tx-${order.orderId}`;
    await store.transition(order.orderId, { from: 'RECEIVED', to: 'ACTIVATING', set: { transactionId } });

    const { Items: markers } = await dynamo.documentClient.send(
      new ScanCommand({
        TableName: tableName,
        FilterExpression: '#orderId = :key',
        ExpressionAttributeNames: { '#orderId': 'orderId' },
        ExpressionAttributeValues: { ':key': simMarkerKey(order.iccid) },
      }),
    );
    expect(markers).toEqual([
      { orderId: `sim#${order.iccid}`, openOrderId: order.orderId, since: expect.any(String) },
    ]);
    for (const [index, name, value] of [
      [ordersTableIndexes.byIccid, 'iccid', order.iccid],
      [ordersTableIndexes.byTransactionId, 'transactionId', transactionId],
    ] as const) {
      const { Items } = await dynamo.documentClient.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: index,
          KeyConditionExpression: '#key = :value',
          ExpressionAttributeNames: { '#key': name },
          ExpressionAttributeValues: { ':value': value },
        }),
      );
      expect(Items?.map((item) => item.orderId)).toEqual([order.orderId]);
    }
  });

  it('refuses to return an item that is not a valid order', async () => {
    const { orderId } = anOrder();
    await dynamo.documentClient.send(
      new PutCommand({ TableName: tableName, Item: { orderId, status: 'SHIPPED', version: 1 } }),
    );
    await expect(store.get(orderId)).rejects.toThrow(/Stored order .* is invalid \(.*status/);
  });
});
