import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoPolicyLedger, MemoryPolicyLedger, type PolicyLedger } from '#shared/store/policy-ledger.js';
import type { TableDefinition } from '#shared/store/table-definition.js';
import { type LocalDynamo, startLocalDynamo } from './dynalite-server.js';

/** The policies table's layout (pk, sk, expiresAt), which the ledger's items share with the policies. */
const policiesLayout = {
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
  globalSecondaryIndexes: [],
  timeToLiveAttribute: 'expiresAt',
} as const satisfies TableDefinition;

const tableName = 'policy-ledger-test';
let dynamo: LocalDynamo;

beforeAll(async () => {
  dynamo = await startLocalDynamo();
  await dynamo.createTable(policiesLayout, tableName);
});
afterAll(async () => {
  await dynamo?.close();
});

const now = new Date('2026-12-02T10:00:00Z');
let sequence = 0;
/** A policy id of its own per test, so that tests sharing one table never share a limit. */
const freshPolicy = () => `p${++sequence}-${Date.now()}`;
const ICCID = '8988247000000000005';

function describeLedger(name: string, ledger: () => PolicyLedger) {
  describe(name, () => {
    it('takes at most maxPerSimPerMonth top-ups per SIM, even from ten concurrent occurrences', async () => {
      const policyId = freshPolicy();
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          ledger().consume({ policyId, iccid: ICCID, occurrence: `o${i}`, now, maxPerSimPerMonth: 2 }),
        ),
      );
      expect(results.filter((r) => r.kind === 'ok')).toHaveLength(2);
      const refused = results.filter((r) => r.kind === 'limit-reached');
      expect(refused).toHaveLength(8);
      expect(refused[0]).toMatchObject({ limit: 'maxPerSimPerMonth' });
    });

    it('counts one occurrence once, however often it is taken', async () => {
      const policyId = freshPolicy();
      const take = (occurrence: string) =>
        ledger().consume({ policyId, iccid: ICCID, occurrence, now, maxPerSimPerMonth: 2 });
      expect(await take('a')).toEqual({ kind: 'ok' });
      expect(await take('a')).toEqual({ kind: 'ok' });
      expect(await take('a')).toEqual({ kind: 'ok' });
      expect(await take('b')).toEqual({ kind: 'ok' });
      expect((await take('c')).kind).toBe('limit-reached');
      expect(await take('b')).toEqual({ kind: 'ok' }); // b was taken already: still ok
    });

    it('counts per SIM and per month', async () => {
      const policyId = freshPolicy();
      const take = (iccid: string, at: Date, occurrence: string) =>
        ledger().consume({ policyId, iccid, occurrence, now: at, maxPerSimPerMonth: 1 });
      expect((await take(ICCID, now, 'x')).kind).toBe('ok');
      expect((await take('8988247000000000013', now, 'y')).kind).toBe('ok');
      expect((await take(ICCID, new Date('2027-01-01T00:00:00Z'), 'z')).kind).toBe('ok');
      expect((await take(ICCID, now, 'w')).kind).toBe('limit-reached');
    });

    it('keeps the monthly budget under concurrency, and gives the SIM its top-up back when the budget refuses', async () => {
      const policyId = freshPolicy();
      const budget = { limitMinor: 1_000, priceMinor: 300 };
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          ledger().consume({
            policyId,
            iccid: `89882470000000000${String(i).padStart(2, '0')}`,
            occurrence: `o${i}`,
            now,
            maxPerSimPerMonth: 5,
            budget,
          }),
        ),
      );
      expect(results.filter((r) => r.kind === 'ok')).toHaveLength(3);
      expect(results.filter((r) => r.kind === 'limit-reached' && r.limit === 'monthlyBudget')).toHaveLength(
        7,
      );
      // A SIM refused for the budget did not lose its allowance: a cheaper plan still fits it.
      const refusedIndex = results.findIndex((r) => r.kind === 'limit-reached');
      const again = await ledger().consume({
        policyId,
        iccid: `89882470000000000${String(refusedIndex).padStart(2, '0')}`,
        occurrence: 'cheap',
        now,
        maxPerSimPerMonth: 1,
        budget: { limitMinor: 1_000, priceMinor: 100 },
      });
      expect(again).toEqual({ kind: 'ok' });
    });

    it('charges one occurrence once', async () => {
      const policyId = freshPolicy();
      const take = () =>
        ledger().consume({
          policyId,
          iccid: ICCID,
          occurrence: 'same',
          now,
          maxPerSimPerMonth: 5,
          budget: { limitMinor: 500, priceMinor: 300 },
        });
      expect(await take()).toEqual({ kind: 'ok' });
      expect(await take()).toEqual({ kind: 'ok' }); // 600 would be over 500: it was not charged again
    });

    it('refuses a plan dearer than the whole budget', async () => {
      const result = await ledger().consume({
        policyId: freshPolicy(),
        iccid: ICCID,
        occurrence: 'o',
        now,
        maxPerSimPerMonth: 1,
        budget: { limitMinor: 100, priceMinor: 101 },
      });
      expect(result).toMatchObject({ kind: 'limit-reached', limit: 'monthlyBudget' });
    });

    it('sets and reads sweep marks until they expire', async () => {
      const mark = `threshold#${freshPolicy()}#sub-1`;
      expect(await ledger().hasMark(mark, now)).toBe(false);
      await ledger().setMark(mark, new Date(now.getTime() + 3_600_000));
      expect(await ledger().hasMark(mark, now)).toBe(true);
      expect(await ledger().hasMark(mark, new Date(now.getTime() + 3_600_001))).toBe(false);
    });
  });
}

const memory = new MemoryPolicyLedger();
describeLedger('MemoryPolicyLedger', () => memory);
let dynamoLedger: DynamoPolicyLedger | undefined;
describeLedger('DynamoPolicyLedger (dynalite)', () => {
  dynamoLedger ??= new DynamoPolicyLedger({ client: dynamo.documentClient, tableName });
  return dynamoLedger;
});
