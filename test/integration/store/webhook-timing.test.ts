import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ordersTableDefinition } from '#shared/store/dynamo-order-store.js';
import { DynamoWebhookTimingStore } from '#shared/store/webhook-timing.js';
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
});
