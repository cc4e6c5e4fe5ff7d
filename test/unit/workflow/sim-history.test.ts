import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { HistoryEntry, HistoryQuery } from '#shared/store/history.js';
import {
  compareNewestFirst,
  encodeHistoryCursor,
  InvalidHistoryCursorError,
  positionOf,
} from '#shared/store/history-keys.js';
import { MemoryHistoryStore } from '#shared/store/memory-history-store.js';
import { newOrder, type Order, orderStatuses } from '#shared/store/order.js';
import { newOrderId } from '#shared/store/order-id.js';
import { orderSteps, readSimHistory, type SimHistoryDeps } from '#shared/workflow/sim-history.js';

const ICCID = '89882470000000000011';
const T0 = Date.parse('2026-06-01T00:00:00.000Z');
const HOUR = 3_600_000;
const RETENTION_DAYS = 5;
const NOW = new Date(T0 + 10 * 24 * HOUR);
/** Slot i is T0 + 20 h × i (+1.234 s, off the retention's boundary): few slots, so many ties. */
const slot = (index: number) => new Date(T0 + index * 20 * HOUR + 1_234).toISOString();
/** Slots 0-5 are older than the retention at NOW; 6-12 are kept. */
const OLDEST_KEPT_SLOT = 6;

function anOrder(
  timeline: { slot: number; status: Order['status']; note?: string }[],
  planId?: string,
): Order {
  const [first] = timeline;
  const order = newOrder(
    { kind: planId ? 'activation' : 'plan', iccid: ICCID, planId: planId ?? 'TOP_UP', orderId: newOrderId() },
    new Date(slot(first?.slot ?? 0)),
  );
  order.timeline = timeline.map((step) => ({
    status: step.status,
    at: slot(step.slot),
    ...(step.note === undefined ? {} : { note: step.note }),
  }));
  return order;
}

async function depsWith(entries: HistoryEntry[], orders: Order[]): Promise<SimHistoryDeps> {
  const history = new MemoryHistoryStore({ retentionDays: RETENTION_DAYS, clock: () => NOW });
  await history.append(entries);
  return {
    history,
    orders: { listByIccid: async (iccid) => orders.filter((order) => order.iccid === iccid) },
    retentionDays: RETENTION_DAYS,
    now: () => NOW,
  };
}

async function readAll(deps: SimHistoryDeps, query: Omit<HistoryQuery, 'cursor'>) {
  const entries: HistoryEntry[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await readSimHistory(deps, ICCID, { ...query, cursor });
    pages += 1;
    if (page.nextCursor !== undefined) expect(page.entries).toHaveLength(query.limit);
    else expect(page.entries.length).toBeLessThanOrEqual(query.limit);
    entries.push(...page.entries);
    cursor = page.nextCursor;
    if (pages > 500) throw new Error('paging does not end');
  } while (cursor !== undefined);
  return { entries, pages };
}

const key = (entry: HistoryEntry) => `${entry.at} ${entry.source} ${entry.id}`;

describe('orderSteps', () => {
  it('makes one entry per timeline step: order.<STATUS>, <orderId>#<index>, the note or the status', () => {
    const order = anOrder(
      [
        { slot: 7, status: 'RECEIVED' },
        { slot: 7, status: 'ACTIVATING', note: 'activation requested' },
        { slot: 8, status: 'COMPLETED', note: 'plan subscribed' },
      ],
      'IOTC_CAPPED_EU_1GB_1M',
    );
    expect(orderSteps(order)).toEqual([
      {
        iccid: ICCID,
        at: slot(7),
        id: `${order.orderId}#0`,
        source: 'order',
        type: 'order.RECEIVED',
        summary: 'RECEIVED',
        orderId: order.orderId,
        details: { kind: 'activation', planId: 'IOTC_CAPPED_EU_1GB_1M' },
      },
      expect.objectContaining({ id: `${order.orderId}#1`, summary: 'activation requested' }),
      expect.objectContaining({
        id: `${order.orderId}#2`,
        type: 'order.COMPLETED',
        summary: 'plan subscribed',
      }),
    ]);
    const byPolicy = { ...order, policyId: 'top-up-eu' } as Order;
    expect(orderSteps(byPolicy)[0]).toMatchObject({
      policyId: 'top-up-eu',
      details: { kind: 'activation', planId: 'IOTC_CAPPED_EU_1GB_1M', policyId: 'top-up-eu' },
    });
  });
});

describe('readSimHistory', () => {
  it('merges the table and the order steps newest first, and hides steps older than the retention', async () => {
    const order = anOrder([
      { slot: 5, status: 'RECEIVED' },
      { slot: 7, status: 'ACTIVATING' },
      { slot: 9, status: 'COMPLETED', note: 'plan subscribed' },
    ]);
    const event = {
      iccid: ICCID,
      at: slot(8),
      id: 'evt-1',
      source: 'transatel',
      type: 'sim.activated',
      summary: 'activated',
    } satisfies HistoryEntry;
    const page = await readSimHistory(await depsWith([event], [order]), ICCID, { limit: 50 });
    expect(page.entries.map((entry) => entry.type)).toEqual([
      'order.COMPLETED',
      'sim.activated',
      'order.ACTIVATING',
    ]);
    expect(page.nextCursor).toBeUndefined();
  });

  it('refuses a cursor it did not make', async () => {
    await expect(
      readSimHistory(await depsWith([], []), ICCID, { limit: 5, cursor: 'e30' }),
    ).rejects.toBeInstanceOf(InvalidHistoryCursorError);
    // A well-formed cursor is any position: one where nothing is resumes after it.
    const cursor = encodeHistoryCursor({ at: slot(9), id: 'zzz' });
    expect((await readSimHistory(await depsWith([], []), ICCID, { limit: 5, cursor })).entries).toEqual([]);
  });

  const sources = ['transatel', 'policy', 'operator'] as const;
  const types = ['sim.activated', 'data.exhausted', 'policy.topup_ordered', 'operator.action'];
  const stepTypes = orderStatuses.map((status) => `order.${status}`);

  const tableEntry = fc
    .record({
      slot: fc.integer({ min: 0, max: 12 }),
      id: fc.stringMatching(/^[0-9A-Za-z#:-]{1,8}$/),
      source: fc.constantFrom(...sources),
      type: fc.constantFrom(...types),
    })
    .map(
      ({ slot: at, id, source, type }): HistoryEntry => ({
        iccid: ICCID,
        at: slot(at),
        id,
        source,
        type,
        summary: `${type} ${id}`,
      }),
    );
  const orderArbitrary = fc
    .array(fc.record({ slot: fc.integer({ min: 0, max: 12 }), status: fc.constantFrom(...orderStatuses) }), {
      minLength: 1,
      maxLength: 6,
    })
    .map((timeline) => anOrder(timeline));

  it('pages any interleaving of table entries and order steps to the end: each entry once, in order', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(tableEntry, { maxLength: 25, selector: (entry) => `${entry.at}#${entry.id}` }),
        fc.array(orderArbitrary, { maxLength: 4 }),
        fc.integer({ min: 1, max: 9 }),
        fc.option(fc.integer({ min: 0, max: 13 }), { nil: undefined }),
        fc.option(fc.integer({ min: 0, max: 13 }), { nil: undefined }),
        fc.option(fc.subarray([...types, ...stepTypes], { minLength: 1 }), { nil: undefined }),
        async (entries, orders, limit, fromSlot, toSlot, typeFilter) => {
          // Slot boundaries: `from` at the start of a slot (inclusive), `to` too (exclusive).
          const from = fromSlot === undefined ? undefined : new Date(Date.parse(slot(fromSlot)) - 1);
          const to = toSlot === undefined ? undefined : new Date(Date.parse(slot(toSlot)) - 1);
          const query = { limit, from, to, types: typeFilter };

          const expected = [...entries, ...orders.flatMap(orderSteps)]
            .filter((entry) => Date.parse(entry.at) >= Date.parse(slot(OLDEST_KEPT_SLOT)))
            .filter((entry) => from === undefined || Date.parse(entry.at) >= from.getTime())
            .filter((entry) => to === undefined || Date.parse(entry.at) < to.getTime())
            .filter((entry) => typeFilter === undefined || typeFilter.includes(entry.type))
            .sort((a, b) => compareNewestFirst(positionOf(a), positionOf(b)));

          const { entries: read, pages } = await readAll(await depsWith(entries, orders), query);
          expect(read.map(key)).toEqual(expected.map(key));
          expect(new Set(read.map(key)).size).toBe(read.length);
          expect(pages).toBe(Math.max(1, Math.ceil(expected.length / limit)));
        },
      ),
      { numRuns: 300 },
    );
  });
});
