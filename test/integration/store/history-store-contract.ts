import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { HistoryEntry, HistoryQuery, HistoryStore } from '#shared/store/history.js';
import {
  compareNewestFirst,
  encodeHistoryCursor,
  InvalidHistoryCursorError,
  positionOf,
} from '#shared/store/history-keys.js';

let iccidSequence = 0;
/** A distinct ICCID per call, so tests sharing one table never see each other's entries. */
export function nextHistoryIccid(): string {
  iccidSequence += 1;
  return `8944${String(Date.now()).slice(-8)}${String(iccidSequence).padStart(7, '0')}`;
}

export const HISTORY_NOW = new Date('2026-06-01T12:00:00.000Z');
export const RETENTION_DAYS = 400;
const DAY_MS = 86_400_000;

export function anEntry(iccid: string, at: string | Date, id: string, fields: Partial<HistoryEntry> = {}) {
  return {
    iccid,
    at: typeof at === 'string' ? at : at.toISOString(),
    id,
    source: 'transatel',
    type: 'sim.activated',
    summary: `entry ${id}`,
    ...fields,
  } satisfies HistoryEntry;
}

/** Every page of a query, following nextCursor to the end. */
export async function readAll(
  store: HistoryStore,
  iccid: string,
  query: Omit<HistoryQuery, 'cursor'>,
): Promise<{ entries: HistoryEntry[]; pages: number }> {
  const entries: HistoryEntry[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await store.list(iccid, { ...query, cursor });
    pages += 1;
    expect(page.entries.length).toBeLessThanOrEqual(query.limit);
    if (page.nextCursor !== undefined) expect(page.entries).toHaveLength(query.limit);
    entries.push(...page.entries);
    cursor = page.nextCursor;
    if (pages > 1_000) throw new Error('paging does not end');
  } while (cursor !== undefined);
  return { entries, pages };
}

const ids = (entries: readonly HistoryEntry[]) => entries.map((entry) => entry.id);

/**
 * The behaviour every HistoryStore adapter must have. `store()` returns a ready store whose retention is
 * RETENTION_DAYS and whose clock reads `clock()`.
 */
export function describeHistoryStoreContract(
  adapterName: string,
  store: () => HistoryStore,
  setNow: (now: Date) => void,
): void {
  describe(`${adapterName}: HistoryStore contract`, () => {
    const base = HISTORY_NOW.getTime() - DAY_MS;
    const at = (ms: number) => new Date(base + ms).toISOString();

    it('lists a SIM’s entries newest first, ties broken by id, and no other SIM’s', async () => {
      setNow(HISTORY_NOW);
      const iccid = nextHistoryIccid();
      const other = nextHistoryIccid();
      await store().append([
        anEntry(iccid, at(1_000), 'b'),
        anEntry(iccid, at(3_000), 'c'),
        anEntry(iccid, at(1_000), 'a'),
        anEntry(iccid, at(1_000), 'd'),
        anEntry(other, at(2_000), 'x'),
      ]);
      const page = await store().list(iccid, { limit: 50 });
      expect(ids(page.entries)).toEqual(['c', 'd', 'b', 'a']);
      expect(page.nextCursor).toBeUndefined();
      expect(ids((await store().list(other, { limit: 50 })).entries)).toEqual(['x']);
      expect((await store().list(nextHistoryIccid(), { limit: 50 })).entries).toEqual([]);
    });

    it('keeps every field of an entry, and orders instants, not their spelling', async () => {
      setNow(HISTORY_NOW);
      const iccid = nextHistoryIccid();
      const full = anEntry(iccid, at(5_000), 'op-1', {
        source: 'operator',
        type: 'operator.action',
        actor: 'arn:aws:iam::123456789012:user/ops',
        route: 'POST /v1/sims/{iccid}/suspend',
        outcome: { status: 422, title: 'BAD_REQUEST' },
        orderId: '01ARZ3NDEKTSV4RRFFQ69G5FAV',
        policyId: 'top-up-eu',
        eventId: 'evt-1',
        details: { nested: { list: [1, 'two', null] }, dropped: undefined },
      });
      // 04.5 s is before 05 s, although '.5Z' sorts after 'Z' as text.
      const early = anEntry(iccid, new Date(base + 4_500).toISOString().replace('.500Z', '.5Z'), 'early');
      const spelledShort = anEntry(iccid, at(6_000).replace('.000Z', 'Z'), 'late');
      await store().append([spelledShort, full, early]);
      const { entries } = await store().list(iccid, { limit: 10 });
      expect(ids(entries)).toEqual(['late', 'op-1', 'early']);
      expect(entries[1]).toEqual({ ...full, details: { nested: { list: [1, 'two', null] } } });
      expect(entries[0]?.at).toBe(at(6_000));
      expect(entries[2]?.at).toBe(new Date(base + 4_500).toISOString());
    });

    it('writes an entry once: the same SIM, instant and id again is left as it is', async () => {
      setNow(HISTORY_NOW);
      const iccid = nextHistoryIccid();
      await store().append([anEntry(iccid, at(1_000), 'evt', { summary: 'first' })]);
      await store().append([anEntry(iccid, at(1_000), 'evt', { summary: 'second' })]);
      await store().append([anEntry(iccid, at(1_000).replace('.000Z', 'Z'), 'evt', { summary: 'third' })]);
      await Promise.all(
        Array.from({ length: 8 }, (_, copy) =>
          store().append([anEntry(iccid, at(2_000), 'raced', { summary: `copy ${copy}` })]),
        ),
      );
      // Another instant or another id is another entry.
      await store().append([anEntry(iccid, at(1_001), 'evt'), anEntry(iccid, at(1_000), 'evt2')]);
      const { entries } = await store().list(iccid, { limit: 50 });
      expect(entries.map((entry) => [entry.at, entry.id])).toEqual([
        [at(2_000), 'raced'],
        [at(1_001), 'evt'],
        [at(1_000), 'evt2'],
        [at(1_000), 'evt'],
      ]);
      expect(entries[3]?.summary).toBe('first');
    });

    it('writes new entries as append does, more than one batch of 25 at a time', async () => {
      setNow(HISTORY_NOW);
      const iccids = [nextHistoryIccid(), nextHistoryIccid()];
      const written = Array.from({ length: 60 }, (_, n) =>
        anEntry(iccids[n % 2] as string, at(n * 10), `request-${n}`, { details: { n, skipped: undefined } }),
      );
      await store().appendNew(written);
      for (const iccid of iccids) {
        const { entries } = await readAll(store(), iccid, { limit: 7 });
        const expected = written
          .filter((entry) => entry.iccid === iccid)
          .map((entry) => ({ ...entry, details: { n: entry.details?.n } }))
          .reverse();
        expect(entries).toEqual(expected);
      }
    });

    it('pages through everything exactly once, newest first, ties included, whatever the page size', async () => {
      setNow(HISTORY_NOW);
      const iccid = nextHistoryIccid();
      // 23 entries on 7 instants: many ties.
      const written = Array.from({ length: 23 }, (_, index) =>
        anEntry(iccid, at((index % 7) * 1_000), `e${String(index).padStart(2, '0')}`),
      );
      await store().append(written);
      const expected = [...written].sort((a, b) => compareNewestFirst(positionOf(a), positionOf(b)));
      for (const limit of [1, 2, 5, 7, 22, 23, 24, 100]) {
        const { entries, pages } = await readAll(store(), iccid, { limit });
        expect(ids(entries), `limit ${limit}`).toEqual(ids(expected));
        // The last full page says there is no more: no empty page at the end.
        expect(pages, `limit ${limit}`).toBe(Math.max(1, Math.ceil(23 / limit)));
      }
    });

    it('pages any set of entries completely (property)', async () => {
      setNow(HISTORY_NOW);
      await fc.assert(
        fc.asyncProperty(
          fc.uniqueArray(fc.tuple(fc.integer({ min: 0, max: 5 }), fc.stringMatching(/^[a-z0-9#-]{1,6}$/)), {
            minLength: 0,
            maxLength: 30,
            selector: ([second, id]) => `${second}/${id}`,
          }),
          fc.integer({ min: 1, max: 8 }),
          async (keys, limit) => {
            const iccid = nextHistoryIccid();
            const written = keys.map(([second, id]) => anEntry(iccid, at(second * 1_000), id));
            await store().append(written);
            const { entries } = await readAll(store(), iccid, { limit });
            const expected = [...written].sort((a, b) => compareNewestFirst(positionOf(a), positionOf(b)));
            expect(entries.map((entry) => `${entry.at}/${entry.id}`)).toEqual(
              expected.map((entry) => `${entry.at}/${entry.id}`),
            );
          },
        ),
        { numRuns: 25 },
      );
    });

    it('reads from (inclusive) to (exclusive), and only the types asked for, across pages', async () => {
      setNow(HISTORY_NOW);
      const iccid = nextHistoryIccid();
      await store().append([
        anEntry(iccid, at(0), 'before'),
        anEntry(iccid, at(1_000), 'from-a', { type: 'data.exhausted' }),
        anEntry(iccid, at(1_000), 'from-b'),
        anEntry(iccid, at(2_000), 'mid-a', { type: 'plan.activated' }),
        anEntry(iccid, at(2_000), 'mid-b', { type: 'data.exhausted' }),
        anEntry(iccid, at(2_500), 'mid-c', { type: 'operator.action', source: 'operator' }),
        anEntry(iccid, at(3_000), 'at-to'),
        anEntry(iccid, at(4_000), 'after'),
      ]);
      const window = { from: new Date(base + 1_000), to: new Date(base + 3_000) };
      for (const limit of [1, 2, 10]) {
        expect(ids((await readAll(store(), iccid, { ...window, limit })).entries), `limit ${limit}`).toEqual([
          'mid-c',
          'mid-b',
          'mid-a',
          'from-b',
          'from-a',
        ]);
        expect(
          ids(
            (await readAll(store(), iccid, { ...window, types: ['data.exhausted', 'plan.activated'], limit }))
              .entries,
          ),
          `limit ${limit}`,
        ).toEqual(['mid-b', 'mid-a', 'from-a']);
      }
      expect(
        ids((await readAll(store(), iccid, { from: new Date(base + 3_000), limit: 3 })).entries),
      ).toEqual(['after', 'at-to']);
      expect(ids((await readAll(store(), iccid, { to: new Date(base + 1_000), limit: 3 })).entries)).toEqual([
        'before',
      ]);
      expect((await store().list(iccid, { types: ['sim.nothing'], limit: 3 })).entries).toEqual([]);
      expect((await store().list(iccid, { ...window, from: window.to, limit: 3 })).entries).toEqual([]);
    });

    it('resumes after any entry’s position, inside or outside the window', async () => {
      setNow(HISTORY_NOW);
      const iccid = nextHistoryIccid();
      await store().append([
        anEntry(iccid, at(1_000), 'a'),
        anEntry(iccid, at(2_000), 'b'),
        anEntry(iccid, at(2_000), 'c'),
        anEntry(iccid, at(3_000), 'd'),
      ]);
      const past = (ms: number, id: string) => encodeHistoryCursor({ at: at(ms), id });
      expect(ids((await store().list(iccid, { cursor: past(2_000, 'c'), limit: 10 })).entries)).toEqual([
        'b',
        'a',
      ]);
      // A position nothing is at: between c and b.
      expect(ids((await store().list(iccid, { cursor: past(2_000, 'bb'), limit: 10 })).entries)).toEqual([
        'b',
        'a',
      ]);
      // After `to`: the window bounds it. Before `from`: nothing.
      const window = { from: new Date(base + 2_000), to: new Date(base + 3_000) };
      expect(
        ids((await store().list(iccid, { ...window, cursor: past(3_500, 'z'), limit: 10 })).entries),
      ).toEqual(['c', 'b']);
      expect(
        ids((await store().list(iccid, { ...window, cursor: past(2_000, 'c'), limit: 10 })).entries),
      ).toEqual(['b']);
      expect((await store().list(iccid, { ...window, cursor: past(1_500, 'z'), limit: 10 })).entries).toEqual(
        [],
      );
    });

    it('hides entries older than the retention, as DynamoDB TTL deletes them', async () => {
      const iccid = nextHistoryIccid();
      const writtenAt = new Date('2026-01-10T00:00:00.000Z');
      await store().append([
        anEntry(iccid, writtenAt, 'old'),
        anEntry(iccid, new Date(writtenAt.getTime() + DAY_MS), 'newer'),
      ]);
      setNow(new Date(writtenAt.getTime() + RETENTION_DAYS * DAY_MS - 1_000));
      expect(ids((await store().list(iccid, { limit: 10 })).entries)).toEqual(['newer', 'old']);
      setNow(new Date(writtenAt.getTime() + RETENTION_DAYS * DAY_MS));
      expect(ids((await store().list(iccid, { limit: 10 })).entries)).toEqual(['newer']);
      setNow(HISTORY_NOW);
    });

    it('refuses an invalid entry, a bad cursor and a bad limit', async () => {
      const iccid = nextHistoryIccid();
      await expect(store().append([{ ...anEntry(iccid, at(0), 'x'), at: 'yesterday' }])).rejects.toThrow();
      await expect(store().append([{ ...anEntry(iccid, at(0), 'x'), id: '' }])).rejects.toThrow();
      await expect(store().list(iccid, { cursor: 'bm9wZQ', limit: 5 })).rejects.toBeInstanceOf(
        InvalidHistoryCursorError,
      );
      await expect(store().list(iccid, { limit: 0 })).rejects.toThrow(RangeError);
      expect((await store().list(iccid, { limit: 5 })).entries).toEqual([]);
    });
  });
}
