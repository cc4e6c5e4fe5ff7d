import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import {
  DynamoIdempotencyStore,
  hashRequest,
  type IdempotencyStore,
  idempotencyTableDefinition,
  MemoryIdempotencyStore,
} from '#shared/store/idempotency.js';
import { newOrderId } from '#shared/store/order-id.js';
import { type LocalDynamo, startLocalDynamo } from './dynalite-server.js';

const tableName = 'idempotency-test';
const resultSchema = z.object({ orderIds: z.array(z.string()) });
let dynamo: LocalDynamo;
let dynamoStore: DynamoIdempotencyStore;

beforeAll(async () => {
  dynamo = await startLocalDynamo();
  await dynamo.createTable(idempotencyTableDefinition, tableName);
  dynamoStore = new DynamoIdempotencyStore({ client: dynamo.documentClient, tableName });
});

afterAll(async () => {
  await dynamo?.close();
});

let keySequence = 0;
const uniqueKey = () => {
  keySequence += 1;
  return `key-${Date.now()}-${keySequence}`;
};

function claimFor(key: string, body: unknown, options: { now?: Date; ttlSeconds?: number } = {}) {
  return {
    scope: 'sim-activation',
    key,
    requestHash: hashRequest(body),
    result: { orderIds: [newOrderId()] },
    resultSchema,
    ...options,
  };
}

describe('hashRequest', () => {
  it('ignores key order and undefined fields, not values', () => {
    expect(hashRequest({ a: 1, b: { c: [1, 2], d: 'x' } })).toBe(
      hashRequest({ b: { d: 'x', c: [1, 2] }, a: 1, e: undefined }),
    );
    expect(hashRequest({ a: 1 })).not.toBe(hashRequest({ a: 2 }));
    expect(hashRequest({ list: [1, 2] })).not.toBe(hashRequest({ list: [2, 1] }));
    expect(hashRequest({ a: '1' })).not.toBe(hashRequest({ a: 1 }));
  });
});

function describeIdempotencyStore(name: string, store: () => IdempotencyStore) {
  describe(name, () => {
    const body = {
      iccid: '89330000000000000011',
      planId: 'PLAN_FR_1GB',
      options: [{ name: 'A', value: 'on' }],
    };

    it('gives the same result for the same key and the same body', async () => {
      const key = uniqueKey();
      const first = await store().claim(claimFor(key, body));
      const again = await store().claim(
        claimFor(key, { options: [{ value: 'on', name: 'A' }], planId: 'PLAN_FR_1GB', iccid: body.iccid }),
      );

      expect(first.status).toBe('claimed');
      expect(again.status).toBe('replayed');
      if (first.status !== 'claimed' || again.status !== 'replayed') return;
      expect(again.record.result).toEqual(first.record.result);
      expect(again.record.requestHash).toBe(first.record.requestHash);
    });

    it('reports a conflict for the same key with another body', async () => {
      const key = uniqueKey();
      const first = await store().claim(claimFor(key, body));
      const other = await store().claim(claimFor(key, { ...body, planId: 'PLAN_DE_5GB' }));

      expect(first.status).toBe('claimed');
      expect(other).toMatchObject({
        status: 'conflict',
        existing: { key, scope: 'sim-activation', requestHash: hashRequest(body) },
      });
    });

    it('keeps scopes apart', async () => {
      const key = uniqueKey();
      await store().claim(claimFor(key, body));
      const bulk = await store().claim({ ...claimFor(key, { sims: [body] }), scope: 'bulk-activation' });
      expect(bulk.status).toBe('claimed');
    });

    it('lets exactly one of concurrent first uses claim the key; the others replay it', async () => {
      const key = uniqueKey();
      const claims = await Promise.all(Array.from({ length: 8 }, () => store().claim(claimFor(key, body))));
      expect(claims.filter((claim) => claim.status === 'claimed')).toHaveLength(1);
      expect(claims.filter((claim) => claim.status === 'replayed')).toHaveLength(7);
      const results = claims.map((claim) => (claim.status === 'conflict' ? undefined : claim.record.result));
      expect(new Set(results.map((result) => JSON.stringify(result))).size).toBe(1);
    });

    it('treats an expired record as absent (expiry is checked on read)', async () => {
      const key = uniqueKey();
      const start = new Date('2026-01-01T00:00:00Z');
      await store().claim(claimFor(key, body, { now: start, ttlSeconds: 60 }));

      const within = await store().claim(
        claimFor(key, { other: true }, { now: new Date(start.getTime() + 59_000) }),
      );
      const after = await store().claim(
        claimFor(key, { other: true }, { now: new Date(start.getTime() + 61_000) }),
      );

      expect(within.status).toBe('conflict');
      expect(after.status).toBe('claimed');
    });

    it('rejects keys that are not printable ASCII', async () => {
      await expect(store().claim(claimFor('has space', body))).rejects.toThrow(/printable ASCII/);
      await expect(store().claim(claimFor('x'.repeat(256), body))).rejects.toThrow(/255/);
    });
  });
}

describeIdempotencyStore('DynamoIdempotencyStore on dynalite', () => dynamoStore);
const memoryStore = new MemoryIdempotencyStore();
describeIdempotencyStore('MemoryIdempotencyStore', () => memoryStore);
