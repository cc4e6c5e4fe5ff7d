import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogTableDefinition } from '#shared/store/catalog-table.js';
import { DynamoPlanCatalogStore } from '#shared/store/plan-catalog-store.js';
import { type LocalDynamo, startLocalDynamo } from './dynalite-server.js';

let dynamo: LocalDynamo;
let tableCount = 0;

beforeAll(async () => {
  dynamo = await startLocalDynamo();
});
afterAll(async () => {
  await dynamo?.close();
});

async function freshStore() {
  tableCount += 1;
  const tableName = `catalog-test-${tableCount}`;
  await dynamo.createTable(catalogTableDefinition, tableName);
  return { tableName, store: new DynamoPlanCatalogStore({ client: dynamo.documentClient, tableName }) };
}

describe('DynamoPlanCatalogStore', () => {
  it('reads nothing before the first copy, then the last copy written', async () => {
    const { store } = await freshStore();
    expect(await store.read()).toBeUndefined();
    const first = { cos: 'COS', planIds: ['A', 'B'], fetchedAt: '2026-11-27T10:00:00.000Z' };
    const second = { cos: 'COS', planIds: ['C'], fetchedAt: '2026-11-27T10:05:00.000Z' };
    await store.write(first);
    expect(await store.read()).toEqual(first);
    await store.write(second);
    expect(await store.read()).toEqual(second);
  });

  it('refuses to write or read a copy without plans', async () => {
    const { tableName, store } = await freshStore();
    await expect(
      store.write({ cos: 'COS', planIds: [], fetchedAt: '2026-11-27T10:00:00.000Z' }),
    ).rejects.toThrow();
    await dynamo.documentClient.send(
      new PutCommand({
        TableName: tableName,
        Item: { catalogKey: 'plans', cos: 'COS', planIds: [], fetchedAt: 'yesterday' },
      }),
    );
    await expect(store.read()).rejects.toThrow();
  });
});
