import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DynamoHistoryStore, historyTableDefinition } from '#shared/store/dynamo-history-store.js';
import type { HistoryEntry, HistoryStore } from '#shared/store/history.js';
import { idempotencyTableDefinition } from '#shared/store/idempotency-table.js';
import { MemoryHistoryStore } from '#shared/store/memory-history-store.js';
import {
  DynamoProcessedEventStore,
  type EventCompletion,
  MemoryProcessedEventStore,
  type ProcessedEventStore,
  processEventOnce,
} from '#shared/store/processed-events.js';
import { type LocalDynamo, startLocalDynamo } from './dynalite-server.js';

const tableName = 'processed-events-test';
const historyTableName = 'processed-events-history-test';
const RETENTION_DAYS = 400;
let dynamo: LocalDynamo;
let dynamoStore: DynamoProcessedEventStore;
let dynamoHistory: DynamoHistoryStore;

beforeAll(async () => {
  dynamo = await startLocalDynamo();
  await dynamo.createTable(idempotencyTableDefinition, tableName);
  await dynamo.createTable(historyTableDefinition, historyTableName);
  dynamoStore = new DynamoProcessedEventStore({
    client: dynamo.documentClient,
    tableName,
    history: { tableName: historyTableName, retentionDays: RETENTION_DAYS },
  });
  dynamoHistory = new DynamoHistoryStore({
    client: dynamo.documentClient,
    tableName: historyTableName,
    retentionDays: RETENTION_DAYS,
  });
});

afterAll(async () => {
  await dynamo?.close();
});

let sequence = 0;
const uniqueEventId = () => {
  sequence += 1;
  return `evt-${Date.now()}-${sequence}`;
};

const start = new Date('2026-11-27T10:00:00.000Z');
const at = (ms: number) => new Date(start.getTime() + ms);
const DAY_SECONDS = 24 * 3600;

function describeProcessedEventStore(name: string, store: () => ProcessedEventStore) {
  describe(name, () => {
    it('claims a new event, reports a copy in flight while the lease lasts, then done once completed', async () => {
      const eventId = uniqueEventId();
      expect(await store().claim({ eventId, now: start, leaseMs: 20_000 })).toBe('claimed');
      expect(await store().claim({ eventId, now: at(19_999), leaseMs: 20_000 })).toBe('in-flight');
      await store().complete(eventId, at(5_000), 2 * DAY_SECONDS);
      expect(await store().claim({ eventId, now: at(6_000), leaseMs: 20_000 })).toBe('done');
      expect(await store().claim({ eventId, now: at(30 * 3600_000), leaseMs: 20_000 })).toBe('done');
    });

    it('lets a copy take over a claim whose lease ran out (its invocation died)', async () => {
      const eventId = uniqueEventId();
      expect(await store().claim({ eventId, now: start, leaseMs: 20_000 })).toBe('claimed');
      expect(await store().claim({ eventId, now: at(20_000), leaseMs: 20_000 })).toBe('claimed');
      expect(await store().claim({ eventId, now: at(21_000), leaseMs: 20_000 })).toBe('in-flight');
    });

    it('forgets a processed event once its memory has passed', async () => {
      const eventId = uniqueEventId();
      await store().claim({ eventId, now: start, leaseMs: 20_000 });
      await store().complete(eventId, start, 60);
      expect(await store().claim({ eventId, now: at(59_000), leaseMs: 20_000 })).toBe('done');
      expect(await store().claim({ eventId, now: at(60_000), leaseMs: 20_000 })).toBe('claimed');
    });

    it('frees a released claim at once, and never releases a completed event', async () => {
      const eventId = uniqueEventId();
      await store().claim({ eventId, now: start, leaseMs: 20_000 });
      await store().release(eventId);
      expect(await store().claim({ eventId, now: at(1_000), leaseMs: 20_000 })).toBe('claimed');
      await store().complete(eventId, at(2_000), DAY_SECONDS);
      await store().release(eventId);
      await store().release(uniqueEventId());
      expect(await store().claim({ eventId, now: at(3_000), leaseMs: 20_000 })).toBe('done');
    });

    it('lets exactly one of concurrent copies claim an event', async () => {
      const eventId = uniqueEventId();
      const claims = await Promise.all(
        Array.from({ length: 8 }, () => store().claim({ eventId, now: start, leaseMs: 20_000 })),
      );
      expect(claims.filter((claim) => claim === 'claimed')).toHaveLength(1);
      expect(claims.filter((claim) => claim === 'in-flight')).toHaveLength(7);
    });

    describe('processEventOnce', () => {
      const request = (eventId: string) => ({ eventId, leaseMs: 20_000, memorySeconds: DAY_SECONDS });

      it('runs an event once and drops its duplicates', async () => {
        const eventId = uniqueEventId();
        const work = vi.fn(async () => ['order-1']);
        expect(await processEventOnce(store(), request(eventId), work)).toEqual({
          outcome: 'processed',
          result: ['order-1'],
        });
        expect(await processEventOnce(store(), request(eventId), work)).toEqual({ outcome: 'duplicate' });
        expect(work).toHaveBeenCalledTimes(1);
      });

      it('does not run a copy while the first is in flight', async () => {
        const eventId = uniqueEventId();
        let finish: () => void = () => undefined;
        const first = processEventOnce(
          store(),
          request(eventId),
          () =>
            new Promise<void>((resolve) => {
              finish = resolve;
            }),
        );
        await vi.waitFor(async () => {
          expect(await processEventOnce(store(), request(eventId), async () => 'ran')).toEqual({
            outcome: 'in-flight',
          });
        });
        finish();
        expect(await first).toEqual({ outcome: 'processed', result: undefined });
      });

      it('releases the claim when processing fails, so that the next delivery runs it', async () => {
        const eventId = uniqueEventId();
        await expect(
          processEventOnce(store(), request(eventId), async () => {
            throw new Error('SNS is down');
          }),
        ).rejects.toThrow('SNS is down');
        expect(await processEventOnce(store(), request(eventId), async () => 'ran')).toEqual({
          outcome: 'processed',
          result: 'ran',
        });
      });
    });
  });
}

describeProcessedEventStore('DynamoProcessedEventStore on dynalite', () => dynamoStore);
const memoryHistory = new MemoryHistoryStore({ retentionDays: RETENTION_DAYS });
const memoryStore = new MemoryProcessedEventStore(memoryHistory);
describeProcessedEventStore('MemoryProcessedEventStore', () => memoryStore);

let iccidSequence = 0;
function historyEntryOf(eventId: string): HistoryEntry {
  iccidSequence += 1;
  return {
    iccid: `894450000000${String(iccidSequence).padStart(7, '0')}`,
    at: new Date().toISOString(),
    id: eventId,
    source: 'transatel',
    type: 'sim.activated',
    summary: 'CONNECTIVITY-MANAGEMENT/SUBSCRIBER/ACTIVATED',
    eventId,
    details: { msisdn: '33612345678' },
  };
}

describe.each([
  ['DynamoProcessedEventStore on dynalite', () => dynamoStore, () => dynamoHistory],
  ['MemoryProcessedEventStore', () => memoryStore, () => memoryHistory],
] as [string, () => ProcessedEventStore, () => HistoryStore][])(
  '%s completing with history',
  (_name, store, history) => {
    it('files the entries the result names with the completion, once however often the event comes', async () => {
      const eventId = uniqueEventId();
      const entry = historyEntryOf(eventId);
      const request = {
        eventId,
        leaseMs: 20_000,
        memorySeconds: DAY_SECONDS,
        historyOf: (entries: HistoryEntry[]) => entries,
      };
      expect(await processEventOnce(store(), request, async () => [entry])).toEqual({
        outcome: 'processed',
        result: [entry],
      });
      expect(await processEventOnce(store(), request, async () => [entry])).toEqual({ outcome: 'duplicate' });
      // A completion written again (its first write failed after the entry went in) stores the same entry.
      await store().complete(eventId, new Date(), DAY_SECONDS, [entry]);
      const { entries } = await history().list(entry.iccid, { limit: 10 });
      expect(entries).toEqual([entry]);
    });

    it('hands a deferred completion over, and writes many in one go: the claim stands until then', async () => {
      const completions: EventCompletion[] = [];
      const ids = Array.from({ length: 14 }, () => uniqueEventId());
      const entries = new Map(ids.map((eventId) => [eventId, historyEntryOf(eventId)]));
      for (const eventId of ids) {
        const request = {
          eventId,
          leaseMs: 20_000,
          memorySeconds: DAY_SECONDS,
          historyOf: (entries: HistoryEntry[]) => entries,
          deferCompletion: (completion: EventCompletion) => completions.push(completion) > 0,
        };
        await processEventOnce(store(), request, async () => [entries.get(eventId) as HistoryEntry]);
      }
      const [first] = ids as [string];
      expect(await store().claim({ eventId: first, now: new Date(), leaseMs: 1000 })).toBe('in-flight');
      // 14 records and 14 entries: more than one BatchWriteItem's 25 items.
      expect(await store().completeMany(completions)).toEqual([]);
      for (const eventId of ids)
        expect(await store().claim({ eventId, now: new Date(), leaseMs: 1000 })).toBe('done');
      const entry = entries.get(first) as HistoryEntry;
      expect((await history().list(entry.iccid, { limit: 10 })).entries).toEqual([entry]);
    });

    it('files nothing when processing fails', async () => {
      const eventId = uniqueEventId();
      const entry = historyEntryOf(eventId);
      const request = { eventId, leaseMs: 20_000, memorySeconds: DAY_SECONDS, historyOf: () => [entry] };
      await expect(
        processEventOnce(store(), request, async () => {
          throw new Error('SNS is down');
        }),
      ).rejects.toThrow('SNS is down');
      expect((await history().list(entry.iccid, { limit: 10 })).entries).toEqual([]);
    });
  },
);

it('refuses entries when the store was given no history table', async () => {
  const store = new DynamoProcessedEventStore({ client: dynamo.documentClient, tableName });
  const eventId = uniqueEventId();
  await expect(store.complete(eventId, new Date(), DAY_SECONDS, [historyEntryOf(eventId)])).rejects.toThrow(
    'no history table',
  );
});

describe('DynamoProcessedEventStore records', () => {
  it('sit in the idempotency table under their own scope, with the TTL attribute set', async () => {
    const eventId = uniqueEventId();
    await dynamoStore.claim({ eventId, now: start, leaseMs: 20_000 });
    await dynamoStore.complete(eventId, start, 2 * DAY_SECONDS);
    const { Item } = await dynamo.documentClient.send(
      new GetCommand({ TableName: tableName, Key: { recordKey: `transatel-event#${eventId}` } }),
    );
    expect(Item).toEqual({
      recordKey: `transatel-event#${eventId}`,
      status: 'COMPLETED',
      expiresAt: Math.floor(start.getTime() / 1000) + 2 * DAY_SECONDS,
    });
  });
});
