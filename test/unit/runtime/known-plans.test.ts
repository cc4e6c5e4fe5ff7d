import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  copyPlanCatalog,
  MemoryPlanCatalogStore,
  type PlanCatalogSnapshot,
  type PlanCatalogStore,
} from '#shared/store/plan-catalog-store.js';
import { planIdsReader } from '#shared/wiring/known-plans.js';
import { type CaptureLogs, captureLogs } from '#test/support/log-capture.js';

let logs: CaptureLogs;
beforeAll(() => {
  logs = captureLogs();
});
afterAll(() => logs.restore());

const T0 = Date.parse('2026-11-27T10:00:00.000Z');
const settings = () => ({ cacheSeconds: 60, maxAgeSeconds: 3600 });

/** A store that counts its reads. */
function countingStore(inner: PlanCatalogStore = new MemoryPlanCatalogStore()) {
  const counts = { reads: 0 };
  const store: PlanCatalogStore = {
    read: () => {
      counts.reads += 1;
      return inner.read();
    },
    write: (snapshot) => inner.write(snapshot),
  };
  return { store, counts };
}

const snapshotAt = (ms: number, planIds = ['PLAN_A', 'PLAN_B']): PlanCatalogSnapshot => ({
  cos: 'WW_M2MA_COS_IOT_CONNECT',
  planIds,
  fetchedAt: new Date(ms).toISOString(),
});

describe('planIdsReader', () => {
  it("answers the copy's plan ids, and reads the table once per cache period", async () => {
    const { store, counts } = countingStore();
    await store.write(snapshotAt(T0));
    const knownPlanIds = planIdsReader({ store: () => store, settings });

    expect(await knownPlanIds(T0 + 1_000)).toEqual(new Set(['PLAN_A', 'PLAN_B']));
    await Promise.all([knownPlanIds(T0 + 2_000), knownPlanIds(T0 + 59_000)]);
    expect(counts.reads).toBe(1);

    await store.write(snapshotAt(T0 + 60_000, ['PLAN_C']));
    expect(await knownPlanIds(T0 + 61_000)).toEqual(new Set(['PLAN_C']));
    expect(counts.reads).toBe(2);
  });

  it('concurrent first calls share one read', async () => {
    const { store, counts } = countingStore();
    await store.write(snapshotAt(T0));
    const knownPlanIds = planIdsReader({ store: () => store, settings });
    const answers = await Promise.all(Array.from({ length: 20 }, () => knownPlanIds(T0)));
    expect(counts.reads).toBe(1);
    for (const answer of answers) expect(answer).toEqual(new Set(['PLAN_A', 'PLAN_B']));
  });

  it('does not check plans (undefined) when there is no copy yet, and looks again after the cache period', async () => {
    const { store, counts } = countingStore();
    const knownPlanIds = planIdsReader({ store: () => store, settings });
    expect(await knownPlanIds(T0)).toBeUndefined();
    await store.write(snapshotAt(T0));
    expect(await knownPlanIds(T0 + 30_000)).toBeUndefined();
    expect(await knownPlanIds(T0 + 60_000)).toEqual(new Set(['PLAN_A', 'PLAN_B']));
    expect(counts.reads).toBe(2);
  });

  it('does not trust a copy older than maxAgeSeconds to refuse a plan', async () => {
    const store = new MemoryPlanCatalogStore();
    await store.write(snapshotAt(T0));
    const knownPlanIds = planIdsReader({ store: () => store, settings });
    expect(await knownPlanIds(T0 + 3_601_000)).toBeUndefined();
    expect(logs.raw()).toContain('too old to refuse plans');
  });

  it('checks against the last copy read while the table cannot be read, as long as that copy is young enough', async () => {
    const store = new MemoryPlanCatalogStore();
    await store.write(snapshotAt(T0));
    let failing = false;
    const flaky: PlanCatalogStore = {
      read: () =>
        failing ? Promise.reject(new Error('ProvisionedThroughputExceededException')) : store.read(),
      write: (snapshot) => store.write(snapshot),
    };
    const knownPlanIds = planIdsReader({ store: () => flaky, settings });
    expect(await knownPlanIds(T0)).toEqual(new Set(['PLAN_A', 'PLAN_B']));
    failing = true;
    expect(await knownPlanIds(T0 + 120_000)).toEqual(new Set(['PLAN_A', 'PLAN_B']));
    expect(await knownPlanIds(T0 + 3_601_000)).toBeUndefined();
  });

  it('does not check plans when the table cannot be read', async () => {
    const failing: PlanCatalogStore = {
      read: () => Promise.reject(new Error('ResourceNotFoundException')),
      write: () => Promise.resolve(),
    };
    const knownPlanIds = planIdsReader({ store: () => failing, settings });
    expect(await knownPlanIds(T0)).toBeUndefined();
  });
});

describe('copyPlanCatalog', () => {
  it('stores the plan ids once each, sorted, with the COS and the time', async () => {
    const store = new MemoryPlanCatalogStore();
    const snapshot = await copyPlanCatalog({
      products: [{ productId: 'B' }, { productId: 'A' }, { productId: 'B' }],
      cos: 'COS_X',
      store,
      now: new Date(T0),
    });
    expect(snapshot).toEqual({ cos: 'COS_X', planIds: ['A', 'B'], fetchedAt: '2026-11-27T10:00:00.000Z' });
    expect(await store.read()).toEqual(snapshot);
  });

  it('refuses an empty catalogue and keeps the last copy', async () => {
    const store = new MemoryPlanCatalogStore();
    await store.write(snapshotAt(T0));
    await expect(
      copyPlanCatalog({ products: [], cos: 'COS_X', store, now: new Date(T0 + 300_000) }),
    ).rejects.toThrow(/no available product/);
    expect(await store.read()).toEqual(snapshotAt(T0));
  });
});
