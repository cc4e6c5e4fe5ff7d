import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoPolicyStore, policiesTableDefinition, policyKey } from '#shared/store/dynamo-policy-store.js';
import { MAX_SCOPE_ICCIDS } from '#shared/store/policy.js';
import { luhnCheckDigit } from '#shared/transatel/identifiers.js';
import { type LocalDynamo, startLocalDynamo } from './dynalite-server.js';
import { aDefinition, describePolicyStoreContract, T0, T1 } from './policy-store-contract.js';

let dynamo: LocalDynamo;
let tableCount = 0;

beforeAll(async () => {
  dynamo = await startLocalDynamo();
});
afterAll(async () => {
  await dynamo?.close();
});

/** A table of its own per test: `list` sees every policy of the table. */
async function freshTable(): Promise<{ tableName: string; store: DynamoPolicyStore }> {
  tableCount += 1;
  const tableName = `policies-test-${tableCount}`;
  await dynamo.createTable(policiesTableDefinition, tableName);
  return { tableName, store: new DynamoPolicyStore({ client: dynamo.documentClient, tableName }) };
}

describePolicyStoreContract('DynamoPolicyStore on dynalite', async () => (await freshTable()).store);

const rawGet = async (tableName: string, key: Record<string, string>) =>
  (await dynamo.documentClient.send(new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true })))
    .Item;

describe('DynamoPolicyStore specifics', () => {
  it('creates the table from the exported definition: pk and sk, TTL on expiresAt', async () => {
    const { tableName } = await freshTable();
    const client = new DynamoDBClient({
      endpoint: dynamo.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    client.destroy();
    expect(Table?.KeySchema).toEqual([
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ]);
    expect(Table?.GlobalSecondaryIndexes).toBeUndefined();
    expect(policiesTableDefinition.timeToLiveAttribute).toBe('expiresAt');
  });

  it('stores a policy as pk "policy", sk its id, its fields as attributes, and no expiresAt', async () => {
    const { tableName, store } = await freshTable();
    const { policy } = await store.put('fleet-eu', aDefinition(), T0);

    const item = await rawGet(tableName, { pk: 'policy', sk: 'fleet-eu' });

    expect(policyKey('fleet-eu')).toEqual({ pk: 'policy', sk: 'fleet-eu' });
    expect(item).toEqual({ pk: 'policy', sk: 'fleet-eu', ...policy });
    expect(item).not.toHaveProperty('expiresAt');
  });

  it("never reads, lists or deletes the engine's items, whatever their sort key", async () => {
    const { tableName, store } = await freshTable();
    const engineItems = [
      { pk: 'ledger#8988247000000000001#2026-12', sk: 'p', count: 1, expiresAt: 1_900_000_000 },
      { pk: 'engine', sk: 'p', note: 'not a policy' },
      { pk: 'policy#shadow', sk: 'p', scope: 'nonsense' },
    ];
    for (const item of engineItems) {
      await dynamo.documentClient.send(new PutCommand({ TableName: tableName, Item: item }));
    }

    expect(await store.get('p')).toBeUndefined();
    expect(await store.list()).toEqual([]);
    expect(await store.delete('p')).toBe(false);
    await store.put('p', aDefinition(), T0);
    expect((await store.list()).map((policy) => policy.policyId)).toEqual(['p']);
    expect(await store.delete('p')).toBe(true);

    for (const item of engineItems)
      expect(await rawGet(tableName, { pk: item.pk, sk: item.sk })).toEqual(item);
  });

  it('lists policies over several Query pages (seven of 10,000 ICCIDs are 1.5 MB)', async () => {
    const { tableName, store } = await freshTable();
    const iccids = Array.from({ length: MAX_SCOPE_ICCIDS }, (_, index) => {
      const payload = `898824700${String(index).padStart(10, '0')}`;
      return payload + luhnCheckDigit(payload);
    });
    const ids = ['big-1', 'big-2', 'big-3', 'big-4', 'big-5', 'big-6', 'big-7'];
    for (const id of ids) await store.put(id, aDefinition({ scope: { iccids } }), T0);

    const firstPage = await dynamo.documentClient.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': 'policy' },
      }),
    );
    expect(firstPage.LastEvaluatedKey).toBeDefined();
    expect(firstPage.Items?.length).toBeLessThan(ids.length);

    const listed = await store.list();
    expect(listed.map((policy) => policy.policyId)).toEqual(ids);
    expect(listed.every((policy) => 'iccids' in policy.scope && policy.scope.iccids.length === 10_000)).toBe(
      true,
    );
  });

  it('creates a policy deleted between its failed create and its replace again, never half-written', async () => {
    const { tableName } = await freshTable();
    const client = dynamo.documentClient;
    let deletedInBetween = false;
    // The delete of another caller lands just before the replace: the conditional replace must not upsert.
    const racingClient = new Proxy(client, {
      get(target, property, receiver) {
        if (property !== 'send') return Reflect.get(target, property, receiver);
        return async (command: { constructor: { name: string } }) => {
          if (command.constructor.name === 'UpdateCommand' && !deletedInBetween) {
            deletedInBetween = true;
            await target.send(new DeleteCommand({ TableName: tableName, Key: policyKey('p') }));
          }
          return target.send(command as Parameters<typeof target.send>[0]);
        };
      },
    });
    const store = new DynamoPolicyStore({ client: racingClient, tableName });
    await store.put('p', aDefinition(), T0);

    const { policy, created } = await store.put('p', aDefinition({ enabled: false }), T1);

    expect(deletedInBetween).toBe(true);
    expect(created).toBe(true);
    expect(policy).toMatchObject({
      enabled: false,
      createdAt: T1.toISOString(),
      updatedAt: T1.toISOString(),
    });
    expect(await store.get('p')).toEqual(policy);
  });

  it('refuses to return an item that is not a valid policy', async () => {
    const { tableName, store } = await freshTable();
    await dynamo.documentClient.send(
      new PutCommand({
        TableName: tableName,
        Item: { ...policyKey('broken'), ...aDefinition(), policyId: 'broken', trigger: { on: 'sometimes' } },
      }),
    );
    await expect(store.get('broken')).rejects.toThrow(/Stored policy broken is invalid \(.*trigger/);
  });
});
