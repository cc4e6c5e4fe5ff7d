import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ordersTableDefinition } from '#shared/store/dynamo-order-store.js';
import { DynamoWebhookTimingStore, WEBHOOK_TIMING_KEY } from '#shared/store/webhook-timing.js';
import { type LocalDynamo, startLocalDynamo } from './dynalite-server.js';

let dynamo: LocalDynamo;
const tableName = 'webhook-timing-orders';

beforeAll(async () => {
  dynamo = await startLocalDynamo();
  await dynamo.createTable(ordersTableDefinition, tableName);
});
afterAll(() => dynamo.close());

describe('DynamoWebhookTimingStore', () => {
  it('keeps one item in the orders table: the last estimate written is read back', async () => {
    const timing = new DynamoWebhookTimingStore({ client: dynamo.documentClient, tableName });
    expect(await timing.read()).toBeUndefined();
    const at = new Date('2026-12-06T10:00:00Z');
    await timing.write({ expectedSeconds: 12.5, at });
    await timing.write({ expectedSeconds: 40, at });
    expect(await timing.read()).toEqual({ expectedSeconds: 40, at });
  });

  it('ignores an item that is not an estimate (a negative figure, a date that is not one)', async () => {
    const timing = new DynamoWebhookTimingStore({ client: dynamo.documentClient, tableName });
    for (const item of [
      { expectedSeconds: -1, at: '2026-12-06T10:00:00.000Z' },
      { expectedSeconds: 12, at: 'yesterday' },
      { expectedSeconds: '12', at: '2026-12-06T10:00:00.000Z' },
    ]) {
      await dynamo.documentClient.send(
        new PutCommand({ TableName: tableName, Item: { orderId: WEBHOOK_TIMING_KEY, ...item } }),
      );
      expect(await timing.read()).toBeUndefined();
    }
  });
});
