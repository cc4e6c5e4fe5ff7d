import { describe, expect, it } from 'vitest';
import type { Job, JobStore } from '#shared/jobs/job.js';

/** What every JobStore does, the DynamoDB adapter on dynalite and the memory twin alike. */

export const T0 = new Date('2026-12-06T10:00:00.000Z');
const later = (ms: number) => new Date(T0.getTime() + ms);

export function aJob(overrides: Partial<Job> = {}): Job {
  return {
    jobId: 'job_0000000001AAAAAAAAAAAAAAAA',
    action: 'suspend',
    status: 'RUNNING',
    total: 3,
    done: 0,
    failed: 0,
    cancelled: 0,
    createdAt: T0.toISOString(),
    startedAt: T0.toISOString(),
    params: {},
    resolving: false,
    ...overrides,
  };
}

const ICCIDS = ['8988247000000000011', '8988247000000000029', '8988247000000000037'];

export function describeJobStoreContract(name: string, makeStore: () => Promise<JobStore>): void {
  describe(`${name}: the JobStore contract`, () => {
    const withJob = async (overrides: Partial<Job> = {}) => {
      const store = await makeStore();
      const job = aJob(overrides);
      await store.putItems(
        job.jobId,
        ICCIDS.map((iccid) => ({ iccid, fields: { reference: `r-${iccid.slice(-2)}` } })),
        T0,
      );
      expect(await store.create(job)).toBe(true);
      return { store, job };
    };

    it('creates a job once, and keeps its items as first written', async () => {
      const { store, job } = await withJob();
      expect(await store.create(job)).toBe(false);
      await store.putItems(
        job.jobId,
        [{ iccid: ICCIDS[0] as string, fields: { reference: 'other' } }],
        later(1),
      );
      expect(await store.getItem(job.jobId, ICCIDS[0] as string)).toMatchObject({
        status: 'PENDING',
        fields: { reference: 'r-11' },
        updatedAt: T0.toISOString(),
      });
      expect(await store.get(job.jobId)).toEqual(job);
      expect(await store.countItems(job.jobId)).toBe(3);
      expect(await store.get('job_0000000001ZZZZZZZZZZZZZZZZ')).toBeUndefined();
    });

    it('moves a job only from the statuses its move allows', async () => {
      const { store, job } = await withJob({ status: 'SCHEDULED', startedAt: undefined });
      expect(await store.move(job.jobId, 'finish', {})).toBeUndefined();
      expect(await store.move(job.jobId, 'start', { startedAt: later(5).toISOString() })).toMatchObject({
        status: 'RUNNING',
        startedAt: later(5).toISOString(),
      });
      expect(await store.move(job.jobId, 'cancel', { finishedAt: later(6).toISOString() })).toMatchObject({
        status: 'CANCELLED',
      });
      expect(await store.move(job.jobId, 'start', {})).toBeUndefined();
      expect(await store.move('job_0000000001ZZZZZZZZZZZZZZZZ', 'cancel', {})).toBeUndefined();
    });

    it('lists items in ICCID order, a page at a time, of one status or all', async () => {
      const { store, job } = await withJob();
      const first = await store.listItems(job.jobId, { limit: 2 });
      expect(first.items.map((item) => item.iccid)).toEqual(ICCIDS.slice(0, 2));
      expect(first.after).toBe(ICCIDS[1]);
      const second = await store.listItems(job.jobId, { limit: 2, after: first.after });
      expect(second.items.map((item) => item.iccid)).toEqual(ICCIDS.slice(2));
      expect(second.after).toBeUndefined();
      expect((await store.listItems(job.jobId, { limit: 10, status: 'FAILED' })).items).toEqual([]);
    });

    it('lets one claim hold an item until its lease runs out', async () => {
      const { store, job } = await withJob();
      const iccid = ICCIDS[0] as string;
      const claim = { token: 'a', at: T0, staleBefore: later(-60_000) };
      expect(await store.claimItem(job.jobId, iccid, claim)).toMatchObject({
        status: 'RUNNING',
        claimToken: 'a',
      });
      expect(await store.claimItem(job.jobId, iccid, { ...claim, token: 'b', at: later(1) })).toBeUndefined();
      expect(
        await store.claimItem(job.jobId, iccid, { token: 'c', at: later(61_000), staleBefore: later(1_000) }),
      ).toMatchObject({ claimToken: 'c' });
      expect(await store.releaseItem(job.jobId, iccid, 'a', later(2))).toBe(false);
      expect(await store.releaseItem(job.jobId, iccid, 'c', later(2))).toBe(true);
      expect(await store.getItem(job.jobId, iccid)).toMatchObject({ status: 'PENDING' });
      expect(await store.claimItem(job.jobId, '8988247000000000045', claim)).toBeUndefined();
    });

    it('settles an item under its claim, or cancels it from PENDING, once', async () => {
      const { store, job } = await withJob();
      const [a, b] = ICCIDS as [string, string];
      await store.claimItem(job.jobId, a, { token: 't', at: T0, staleBefore: later(-1) });
      const failure = {
        status: 'FAILED' as const,
        title: 'SUBSCRIBER_NOT_FOUND',
        detail: 'Subscriber is unknown',
      };
      expect(await store.settleItem(job.jobId, a, { ...failure, token: 'other' }, later(1))).toBe(false);
      expect(await store.settleItem(job.jobId, a, { ...failure, token: 't' }, later(1))).toBe(true);
      expect(await store.settleItem(job.jobId, a, { status: 'DONE', token: 't' }, later(2))).toBe(false);
      expect(await store.getItem(job.jobId, a)).toMatchObject(failure);
      expect(await store.settleItem(job.jobId, b, { status: 'CANCELLED' }, later(1))).toBe(true);
      expect(await store.settleItem(job.jobId, b, { status: 'CANCELLED' }, later(1))).toBe(false);
    });

    it('counts each settled item once, and finishes the job with its last one', async () => {
      const { store, job } = await withJob();
      for (const [index, iccid] of ICCIDS.entries()) {
        await store.claimItem(job.jobId, iccid, { token: 't', at: T0, staleBefore: later(-1) });
        await store.settleItem(job.jobId, iccid, { status: index === 0 ? 'FAILED' : 'DONE', token: 't' }, T0);
        const settled = await store.getItem(job.jobId, iccid);
        const counted = await store.countItem(job.jobId, settled as never, later(index));
        expect(counted?.finished).toBe(index === ICCIDS.length - 1);
        // The same settled item again: not counted twice.
        expect(await store.countItem(job.jobId, settled as never, later(index))).toBeUndefined();
      }
      expect(await store.get(job.jobId)).toMatchObject({
        status: 'DONE',
        done: 2,
        failed: 1,
        finishedAt: later(2).toISOString(),
      });
    });

    it('tallies items by status and what is not counted yet; counts nothing into a job finished from a tally', async () => {
      const { store, job } = await withJob();
      const [first, second] = ICCIDS as [string, string, string];
      expect(await store.tallyItems(job.jobId)).toEqual({
        items: 3,
        done: 0,
        failed: 0,
        cancelled: 0,
        uncounted: 0,
      });
      await store.claimItem(job.jobId, first, { token: 't', at: T0, staleBefore: later(-1) });
      await store.settleItem(job.jobId, first, { status: 'DONE', token: 't' }, T0);
      await store.settleItem(job.jobId, second, { status: 'CANCELLED' }, T0);
      expect(await store.tallyItems(job.jobId)).toEqual({
        items: 3,
        done: 1,
        failed: 0,
        cancelled: 1,
        uncounted: 2,
      });
      await store.countItem(job.jobId, (await store.getItem(job.jobId, first)) as never, T0);
      expect(await store.tallyItems(job.jobId)).toMatchObject({ uncounted: 1 });
      // The check finishes a job from its items; a late count then adds nothing.
      await store.move(job.jobId, 'finish', { done: 1, cancelled: 2 });
      expect(
        await store.countItem(job.jobId, (await store.getItem(job.jobId, second)) as never, T0),
      ).toBeUndefined();
      expect(await store.get(job.jobId)).toMatchObject({ status: 'DONE', done: 1, cancelled: 2 });
    });

    it('advances the chain only from the mark it is at', async () => {
      const { store, job } = await withJob({ cursor: 'e:' });
      expect(await store.advance(job.jobId, { cursor: 'e:', by: 'x' }, { cursor: 'e:', by: 'a' })).toBe(
        false,
      );
      expect(await store.advance(job.jobId, { cursor: 'e:', by: undefined }, { cursor: 'e:', by: 'a' })).toBe(
        true,
      );
      expect(await store.advance(job.jobId, { cursor: 'e:', by: undefined }, { cursor: 'e:', by: 'b' })).toBe(
        false,
      );
      expect(await store.advance(job.jobId, { cursor: 'e:', by: 'a' }, { cursor: 'end', by: 'from:a' })).toBe(
        true,
      );
      expect(await store.get(job.jobId)).toMatchObject({ cursor: 'end', cursorBy: 'from:a' });
      expect(
        await store.advance(job.jobId, { cursor: 'end', by: 'from:a' }, { cursor: 'end', by: undefined }),
      ).toBe(true);
      expect((await store.get(job.jobId))?.cursorBy).toBeUndefined();
    });

    it('finishes a filter job only once its SIMs are all read', async () => {
      const { store, job } = await withJob({ resolving: true, total: 0, filter: { group: 'G' } });
      expect(await store.resolved(job.jobId, 3)).toBe(true);
      expect(await store.resolved(job.jobId, 3)).toBe(false);
      expect(await store.get(job.jobId)).toMatchObject({ resolving: false, total: 3 });
    });
  });
}
