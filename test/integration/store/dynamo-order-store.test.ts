import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoOrderStore, ordersTableDefinition } from '../../../shared/store/dynamo-order-store.js';
import { isTerminal } from '../../../shared/store/order.js';
import { type LocalDynamo, startLocalDynamo } from './dynalite-server.js';
import { anOrder, describeOrderStoreContract, nextIccid } from './order-store-contract.js';

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

describeOrderStoreContract('DynamoOrderStore on dynalite', () => store);

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

  it('writes 1,000 orders with createMany and finds every one', async () => {
    const iccids = Array.from({ length: 10 }, () => nextIccid());
    const orders = Array.from({ length: 1_000 }, (_, index) =>
      anOrder({ iccid: iccids[index % iccids.length] }),
    );

    await store.createMany(orders);

    const found = (await Promise.all(iccids.map((iccid) => store.findActiveByIccid(iccid)))).flat();
    expect(found).toHaveLength(1_000);
    expect(new Set(found.map((order) => order.orderId))).toEqual(
      new Set(orders.map((order) => order.orderId)),
    );
    expect(found.every((order) => order.status === 'RECEIVED' && !isTerminal(order.status))).toBe(true);
    const sample = orders[567];
    expect(sample && (await store.get(sample.orderId))).toEqual(sample);
  });

  it('refuses to return an item that is not a valid order', async () => {
    const { orderId } = anOrder();
    await dynamo.documentClient.send(
      new PutCommand({ TableName: tableName, Item: { orderId, status: 'SHIPPED', version: 1 } }),
    );
    await expect(store.get(orderId)).rejects.toThrow(/Stored order .* is invalid \(.*status/);
  });
});
