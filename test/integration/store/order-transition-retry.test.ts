import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AwsFaultProxy, type AwsFaultRates, startAwsFaultProxy } from '#local/aws-faults.js';
import { DynamoOrderStore, ordersTableDefinition } from '#shared/store/dynamo-order-store.js';
import { documentClientOf } from '#shared/wiring/clients/document-client.js';
import { seedFor } from '#test/support/aws-fault-seeds.js';
import { type LocalDynamo, startLocalDynamo } from './dynalite-server.js';
import { anOrder } from './order-store-contract.js';

/**
 * A transition whose update was applied but whose answer was lost (the connection reset after DynamoDB wrote it):
 * the SDK sends it again, the retry fails its condition (the order has moved, by this very write), and the store
 * must still report it applied. Read as a conflict, the caller took it for another writer's move and queued no
 * next step: the order stayed ACTIVE for good (the reliability run under AWS faults found it).
 */

const tableName = 'orders-retry-test';
const rates: AwsFaultRates = { resetRate: 0.5 };

describe('DynamoOrderStore: a transition retried after its answer was lost', () => {
  let dynamo: LocalDynamo;
  let proxy: AwsFaultProxy;
  let client: DynamoDBClient;
  let direct: DynamoOrderStore;
  let throughFaults: DynamoOrderStore;

  beforeAll(async () => {
    dynamo = await startLocalDynamo();
    await dynamo.createTable(ordersTableDefinition, tableName);
    // Seeded: the first call through the proxy is reset after it was applied, the next two are not.
    proxy = await startAwsFaultProxy({
      upstreams: { dynamodb: dynamo.endpoint, fauxqs: dynamo.endpoint },
      seed: seedFor(['dynamodb'], rates, ['reset', undefined, undefined]),
    });
    client = new DynamoDBClient({
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      endpoint: proxy.url,
      maxAttempts: 2,
    });
    direct = new DynamoOrderStore({ client: dynamo.documentClient, tableName });
    throughFaults = new DynamoOrderStore({ client: documentClientOf(client), tableName });
  });
  afterAll(async () => {
    client?.destroy();
    await proxy?.close();
    await dynamo?.close();
  });

  it('reports its own write applied, not a conflict', async () => {
    const order = anOrder();
    await direct.create(order);
    proxy.setRates(rates);
    const result = await throughFaults.transition(order.orderId, {
      from: ['RECEIVED', 'ACTIVATING'],
      to: 'ACTIVE',
      set: { msisdn: '33612345678', orderType: 'subscribe' },
      note: 'SIM already active',
    });
    proxy.setRates({});
    expect(proxy.counters().injected.dynamodb.reset).toBe(1);
    expect(result.applied).toBe(true);
    if (!result.applied) return;
    expect(result.order).toMatchObject({
      status: 'ACTIVE',
      version: order.version + 1,
      msisdn: '33612345678',
    });
    // Written once: one ACTIVE entry on the timeline.
    const stored = await direct.get(order.orderId);
    expect(stored?.timeline.filter((entry) => entry.status === 'ACTIVE')).toHaveLength(1);
  });

  it("still reports another writer's move as a conflict", async () => {
    const order = anOrder();
    await direct.create(order);
    await direct.transition(order.orderId, { from: 'RECEIVED', to: 'ACTIVATING' });
    const result = await throughFaults.transition(order.orderId, {
      from: 'RECEIVED',
      to: 'ACTIVATING',
      expectedVersion: order.version,
    });
    expect(result).toMatchObject({ applied: false, conflict: { reason: 'status_mismatch' } });
  });
});
