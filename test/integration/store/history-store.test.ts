import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoHistoryStore, historyTableDefinition } from '#shared/store/dynamo-history-store.js';
import { MemoryHistoryStore } from '#shared/store/memory-history-store.js';
import { type LocalDynamo, startLocalDynamo } from './dynalite-server.js';
import {
  anEntry,
  describeHistoryStoreContract,
  HISTORY_NOW,
  nextHistoryIccid,
  RETENTION_DAYS,
} from './history-store-contract.js';

const tableName = 'history-test';
let dynamo: LocalDynamo;
let dynamoStore: DynamoHistoryStore;
let now = HISTORY_NOW;
const clock = () => now;
const setNow = (date: Date) => {
  now = date;
};

beforeAll(async () => {
  dynamo = await startLocalDynamo();
  await dynamo.createTable(historyTableDefinition, tableName);
  dynamoStore = new DynamoHistoryStore({
    client: dynamo.documentClient,
    tableName,
    retentionDays: RETENTION_DAYS,
    clock,
  });
});

afterAll(async () => {
  await dynamo?.close();
});

const memoryStore = new MemoryHistoryStore({ retentionDays: RETENTION_DAYS, clock });

describeHistoryStoreContract('MemoryHistoryStore', () => memoryStore, setNow);
describeHistoryStoreContract('DynamoHistoryStore on dynalite', () => dynamoStore, setNow);

describe('DynamoHistoryStore specifics', () => {
  it('stores an entry under iccid and `<at>#<id>`, with its expiry for DynamoDB TTL', async () => {
    const iccid = nextHistoryIccid();
    const at = '2026-05-31T10:00:00Z';
    await dynamoStore.append([anEntry(iccid, at, 'evt-9')]);
    const { Item } = await dynamo.documentClient.send(
      new GetCommand({ TableName: tableName, Key: { iccid, sk: '2026-05-31T10:00:00.000Z#evt-9' } }),
    );
    expect(Item).toMatchObject({
      iccid,
      sk: '2026-05-31T10:00:00.000Z#evt-9',
      at: '2026-05-31T10:00:00.000Z',
      expiresAt: Date.parse(at) / 1000 + RETENTION_DAYS * 86_400,
    });
    expect(historyTableDefinition.timeToLiveAttribute).toBe('expiresAt');
  });

  it('pages through more entries than a Query returns at once, with a type filter that skips most', async () => {
    const iccid = nextHistoryIccid();
    const base = Date.parse('2026-05-30T00:00:00.000Z');
    await dynamoStore.append(
      Array.from({ length: 300 }, (_, index) =>
        anEntry(iccid, new Date(base + index * 1_000), `e${index}`, {
          type: index % 50 === 0 ? 'data.exhausted' : 'sim.activated',
        }),
      ),
    );
    const page = await dynamoStore.list(iccid, { types: ['data.exhausted'], limit: 4 });
    expect(page.entries.map((entry) => entry.id)).toEqual(['e250', 'e200', 'e150', 'e100']);
    const rest = await dynamoStore.list(iccid, {
      types: ['data.exhausted'],
      limit: 4,
      cursor: page.nextCursor,
    });
    expect(rest.entries.map((entry) => entry.id)).toEqual(['e50', 'e0']);
    expect(rest.nextCursor).toBeUndefined();
  });
});
