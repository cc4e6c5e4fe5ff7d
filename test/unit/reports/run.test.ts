import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { reportRequestSchema } from '#shared/api/requests/reports.js';
import type { FleetReader } from '#shared/reports/fleet-plans.js';
import { newReport, type ReportDefinition } from '#shared/reports/report.js';
import { failReport, runReport } from '#shared/reports/run.js';
import type { UsageReader } from '#shared/reports/usage.js';
import { MemoryReportStore } from '#shared/store/report-store.js';
import type { ProductSubscription } from '#shared/transatel/ocs-inventory.js';
import type { SimRecord } from '#shared/transatel/sim-search.js';
import * as z from '#shared/zod.js';

const NOW = new Date('2026-12-06T00:00:00.000Z');
const DAY = 86_400_000;
const GB = 1_000_000_000;

function sim(iccid: string, status: string, msisdn?: string, group?: string): SimRecord {
  return {
    iccid,
    msisdn,
    status,
    simType: undefined,
    ratePlan: undefined,
    group,
    reference: undefined,
    activationDate: undefined,
    esimProfileStatus: undefined,
    lastSeenDate: undefined,
    lastOriginCountry: undefined,
  };
}

function plan(
  id: string,
  expiresInDays: number | undefined,
  remaining: number,
  status = 'active',
): ProductSubscription {
  const total = 1 * GB;
  return {
    subscriptionId: id,
    productId: 'IOTC_CAPPED_EU_1GB_1M',
    status,
    category: undefined,
    tags: [],
    subscribedAt: undefined,
    activatedAt: undefined,
    expiresAt:
      expiresInDays === undefined ? undefined : new Date(NOW.getTime() + expiresInDays * DAY).toISOString(),
    transactionReference: undefined,
    balances: [],
    data: { totalBytes: total, usedBytes: total - remaining, remainingBytes: remaining, unlimited: false },
  };
}

/** A fleet, as SIM Search and OCS Inventory answer; counts the inventory reads. */
function fleet(): FleetReader & UsageReader & { reads: string[]; usageAsked: string[] } {
  const sims = [
    sim('8900000000000000003', 'Active', '33600000003', 'G1'),
    sim('8900000000000000001', 'Active', '33600000001', 'G1'),
    // No MSISDN in the search: the subscriber is read for it.
    sim('8900000000000000002', 'Suspended', undefined, 'G2'),
    sim('8900000000000000004', 'Available'),
    sim('8900000000000000005', 'Terminated', '33600000005'),
  ];
  const products: Record<string, ProductSubscription[]> = {
    '33600000001': [plan('s1a', 3, 0.5 * GB), plan('s1b', 40, 0.05 * GB)],
    '33600000002': [plan('s2', 29.5, 0.1 * GB)],
    '33600000003': [
      plan('s3a', 1, 0.9 * GB, 'expired'),
      plan('s3b', -1, 0),
      plan('s3c', undefined, 0.01 * GB),
    ],
    '33600000005': [plan('s5', 1, 0)],
  };
  const reads: string[] = [];
  const usageAsked: string[] = [];
  const figures = (country: string, totalBytes: number, sessions: number) => ({
    country,
    totalBytes,
    uplinkBytes: totalBytes / 4,
    downlinkBytes: (3 * totalBytes) / 4,
    sessions,
  });
  const usage: Record<string, ReturnType<typeof figures>[]> = {
    '8900000000000000001': [figures('FR', 400, 2), figures('DE', 100, 1)],
    '8900000000000000003': [figures('FR', 40, 1)],
    '8900000000000000002': [figures('UNKNOWN', 8, 1)],
    '8900000000000000005': [figures('FR', 4, 1)],
  };
  return {
    reads,
    usageAsked,
    networkUsage: {
      getUsage: async (query) => {
        usageAsked.push(query.iccid);
        const byCountry = usage[query.iccid] ?? [];
        const sum = (key: 'totalBytes' | 'uplinkBytes' | 'downlinkBytes' | 'sessions') =>
          byCountry.reduce((total, entry) => total + entry[key], 0);
        return {
          from: query.from.toISOString(),
          to: query.to.toISOString(),
          totalBytes: sum('totalBytes'),
          uplinkBytes: sum('uplinkBytes'),
          downlinkBytes: sum('downlinkBytes'),
          sessions: sum('sessions'),
          byCountry,
          complete: true,
        };
      },
    },
    simSearch: {
      async *all() {
        yield* sims;
      },
    },
    connectivity: {
      getSubscriber: async (iccid: string) =>
        ({ iccid, status: 'Suspended', msisdn: '33600000002' }) as Awaited<
          ReturnType<FleetReader['connectivity']['getSubscriber']>
        >,
    },
    ocsInventory: {
      listProducts: async (msisdn: string) => {
        reads.push(msisdn);
        return products[msisdn] ?? [];
      },
    },
  };
}

/** The spend report has its own tests (spend.test.ts). */
const noSpend = {
  orders: { listByIccid: async () => [] },
  history: { list: async () => ({ entries: [] }) },
  catalog: async () => [],
};

async function run(definition: ReportDefinition, deadline = Number.POSITIVE_INFINITY) {
  const store = new MemoryReportStore();
  const transatel = fleet();
  const report = newReport('rpt_00000000000000000000000000000001', definition, NOW);
  await store.put(report);
  const outcome = await runReport(
    { store, transatel, spend: noSpend, now: () => NOW, deadline },
    report.reportId,
  );
  const done = await store.get(report.reportId);
  const content = [...store.contents.values()][0];
  return { store, transatel, outcome, done, content };
}

describe('runReport', () => {
  it('plans-expiring lists the live plans expiring within the days, soonest first, as CSV', async () => {
    const { outcome, done, content, transatel } = await run({ type: 'plans-expiring', days: 30 });
    expect(outcome).toBe('done');
    // Available and Terminated SIMs hold no plan: not read.
    expect(transatel.reads.sort()).toEqual(['33600000001', '33600000002', '33600000003']);
    expect(content?.contentType).toBe('text/csv; charset=utf-8');
    const lines = content?.body.trimEnd().split('\r\n') ?? [];
    expect(lines[0]).toBe(
      'iccid,msisdn,group,reference,subscriptionId,planId,status,expiresAt,daysLeft,remainingBytes,totalBytes',
    );
    expect(lines.slice(1).map((line) => line.split(',')[4])).toEqual(['s1a', 's2']);
    expect(lines[1]).toBe(
      `8900000000000000001,33600000001,G1,,s1a,IOTC_CAPPED_EU_1GB_1M,active,2026-12-09T00:00:00.000Z,3,${0.5 * GB},${GB}`,
    );
    expect(done).toMatchObject({
      status: 'DONE',
      rows: 2,
      simsRead: 3,
      complete: true,
      startedAt: NOW.toISOString(),
      bytes: Buffer.byteLength(content?.body ?? ''),
    });
  });

  it('counts the window from the run: a plan expiring past the days is left out', async () => {
    const { content } = await run({ type: 'plans-expiring', days: 7 });
    expect(content?.body.trimEnd().split('\r\n')).toHaveLength(2);
  });

  it('data-low lists the live capped plans at or under the percent left, least left first, as JSON', async () => {
    const { content, done } = await run({ type: 'data-low', percent: 10, format: 'json' });
    expect(content?.contentType).toBe('application/json');
    const body = JSON.parse(content?.body ?? '{}') as {
      rows: { subscriptionId: string; remainingPercent: number }[];
    };
    expect(body.rows.map((row) => [row.subscriptionId, row.remainingPercent])).toEqual([
      ['s3c', 1],
      ['s1b', 5],
      ['s2', 10],
    ]);
    expect(done?.rows).toBe(3);
  });

  it("usage sums every SIM's sessions by group and country, from Network Usage by ICCID", async () => {
    const { content, done, transatel } = await run({
      type: 'usage',
      from: '2026-11-01',
      to: '2026-12-01T00:00:00Z',
    });
    // Never-activated SIMs have no usage; a terminated one may have some in the period.
    expect(transatel.usageAsked.sort()).toEqual([
      '8900000000000000001',
      '8900000000000000002',
      '8900000000000000003',
      '8900000000000000005',
    ]);
    expect(content?.body.split('\r\n')).toEqual([
      'group,country,sims,sessions,totalBytes,uplinkBytes,downlinkBytes',
      ',FR,1,1,4,1,3',
      'G1,DE,1,1,100,25,75',
      'G1,FR,2,3,440,110,330',
      'G2,UNKNOWN,1,1,8,2,6',
      '',
    ]);
    expect(done).toMatchObject({ status: 'DONE', rows: 4, simsRead: 4, complete: true });
  });

  it('does nothing for a finished report (a redelivered message) or an unknown one', async () => {
    const { store, transatel } = await run({ type: 'plans-expiring', days: 30 });
    const reads = transatel.reads.length;
    const again = await runReport(
      { store, transatel, spend: noSpend, now: () => NOW, deadline: Number.POSITIVE_INFINITY },
      'rpt_00000000000000000000000000000001',
    );
    expect(again).toBe('already-done');
    expect(transatel.reads).toHaveLength(reads);
    expect(
      await runReport(
        { store, transatel, spend: noSpend, now: () => NOW, deadline: Number.POSITIVE_INFINITY },
        'rpt_0000000000000000000000000000000f',
      ),
    ).toBe('unknown-report');
  });

  it('marks a report FAILED with the reason on its last delivery, but never a finished one', async () => {
    const store = new MemoryReportStore();
    const queued = newReport('rpt_00000000000000000000000000000002', { type: 'data-low', percent: 5 }, NOW);
    await store.put({ ...queued, status: 'RUNNING' });
    await failReport(store, queued.reportId, '503 SERVICE_UNAVAILABLE: try later', NOW);
    expect(await store.get(queued.reportId)).toMatchObject({
      status: 'FAILED',
      error: '503 SERVICE_UNAVAILABLE: try later',
      finishedAt: NOW.toISOString(),
    });
    const { store: doneStore } = await run({ type: 'plans-expiring', days: 30 });
    await failReport(doneStore, 'rpt_00000000000000000000000000000001', 'late', NOW);
    expect((await doneStore.get('rpt_00000000000000000000000000000001'))?.status).toBe('DONE');
  });

  it('past its deadline, writes what it read and says it is not complete', async () => {
    const { done, transatel } = await run({ type: 'plans-expiring', days: 30 }, 0);
    expect(transatel.reads).toEqual([]);
    expect(done).toMatchObject({ status: 'DONE', rows: 0, simsRead: 0, complete: false });
  });
});

describe('the report request', () => {
  const issues = (value: unknown) => {
    const result = z.safeParse(reportRequestSchema, value);
    return result.success ? [] : result.error.issues.map((issue) => issue.path.join('.'));
  };

  it('takes whole days from 1 to 365, and names the field otherwise', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1000, max: 1000 }), (days) => {
        const ok = days >= 1 && days <= 365;
        expect(issues({ type: 'plans-expiring', days })).toEqual(ok ? [] : ['days']);
      }),
    );
    expect(issues({ type: 'plans-expiring', days: 1.5 })).toEqual(['days']);
    expect(issues({ type: 'plans-expiring', days: '7' })).toEqual(['days']);
  });

  it('takes a percent from 1 to 100 for data-low, and a known type and format only', () => {
    fc.assert(
      fc.property(fc.integer({ min: -200, max: 200 }), (percent) => {
        const ok = percent >= 1 && percent <= 100;
        expect(issues({ type: 'data-low', percent })).toEqual(ok ? [] : ['percent']);
      }),
    );
    expect(issues({ type: 'usage-by-moon', days: 3 })).toEqual(['type']);
    expect(issues({ days: 3 })).toEqual(['type']);
    expect(issues({ type: 'data-low', percent: 5, format: 'xlsx' })).toEqual(['format']);
    expect(issues({ type: 'data-low', days: 5 })).toEqual(['percent', '']);
  });

  it('takes a usage period of instants or dates, from before to, at most 366 days', () => {
    expect(issues({ type: 'usage', from: '2026-11-01', to: '2026-12-01T00:00:00+01:00' })).toEqual([]);
    expect(issues({ type: 'usage', from: '2026-12-01', to: '2026-11-01' })).toEqual(['from']);
    expect(issues({ type: 'usage', from: '2025-01-01', to: '2026-11-01' })).toEqual(['from']);
    expect(issues({ type: 'usage', from: '2026-11-01T10:00', to: '2026-12-01' })).toEqual(['from']);
    expect(issues({ type: 'usage', from: '2026-11-01' })).toEqual(['to']);
  });
});
