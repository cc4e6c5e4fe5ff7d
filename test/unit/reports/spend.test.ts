import { describe, expect, it } from 'vitest';
import { reportRequestSchema } from '#shared/api/requests/reports.js';
import type { FleetReadProgress } from '#shared/reports/fleet-plans.js';
import { type SpendReader, spendRows } from '#shared/reports/spend.js';
import type { Order } from '#shared/store/order.js';
import type { CatalogProduct } from '#shared/transatel/ocs-catalog.js';
import type { SimRecord } from '#shared/transatel/sim-search.js';
import * as z from '#shared/zod.js';

function order(
  iccid: string,
  planId: string | undefined,
  status: Order['status'],
  at: string,
  policyId?: string,
) {
  return {
    orderId: `o-${iccid}-${at}`,
    kind: 'plan',
    iccid,
    ...(planId ? { planId } : {}),
    status,
    timeline: [
      { status: 'RECEIVED', at: '2026-01-01T00:00:00.000Z' },
      ...(status === 'COMPLETED' ? [{ status: 'COMPLETED', at }] : []),
    ],
    attempts: {},
    version: 2,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: at,
    ...(policyId ? { policyId } : {}),
  } as Order;
}

const ORDERS: Record<string, Order[]> = {
  '8900000000000000001': [
    order('8900000000000000001', 'EU_1GB', 'COMPLETED', '2026-10-31T23:59:59.999Z'),
    order('8900000000000000001', 'EU_1GB', 'COMPLETED', '2026-11-03T10:00:00.000Z'),
    order('8900000000000000001', 'EU_1GB', 'COMPLETED', '2026-11-20T10:00:00.000Z', 'auto-eu'),
    order('8900000000000000001', 'EU_1GB', 'FAILED', '2026-11-21T10:00:00.000Z'),
  ],
  '8900000000000000002': [
    order('8900000000000000002', 'WW_5GB', 'COMPLETED', '2026-12-01T09:00:00.000Z', 'auto-eu'),
    order('8900000000000000002', 'GONE', 'COMPLETED', '2026-12-02T09:00:00.000Z'),
    // An activation without a plan buys nothing; one past the period is left out.
    order('8900000000000000002', undefined, 'COMPLETED', '2026-12-02T09:00:00.000Z'),
    order('8900000000000000002', 'WW_5GB', 'COMPLETED', '2027-01-01T00:00:00.000Z'),
  ],
};

const price = (productId: string, amountMinor: number) =>
  ({ productId, price: { amountMinor, currency: 'EUR' } }) as CatalogProduct;

const OPS = 'arn:aws:iam::000000000000:user/ops';

/** Operator actions, two pages for the first SIM: the cursor is followed. */
const history: SpendReader['history'] & { asked: { iccid: string; types?: readonly string[] }[] } = {
  asked: [],
  async list(iccid, query) {
    history.asked.push({ iccid, ...(query.types ? { types: query.types } : {}) });
    const entry = (orderId: string) =>
      ({
        iccid,
        at: '2026-11-03T09:00:00.000Z',
        id: orderId,
        source: 'operator',
        type: 'operator.action',
        summary: '',
        orderId,
        actor: OPS,
      }) as const;
    if (iccid !== '8900000000000000001') return { entries: [] };
    if (query.cursor === undefined)
      return { entries: [entry('o-8900000000000000001-2026-11-03T10:00:00.000Z')], nextCursor: 'next' };
    return { entries: [entry('o-8900000000000000001-2026-10-31T23:59:59.999Z')] };
  },
};

const reader: SpendReader = {
  history,
  simSearch: {
    async *all() {
      for (const iccid of Object.keys(ORDERS)) yield { iccid, status: 'Active' } as SimRecord;
    },
  },
  orders: { listByIccid: async (iccid: string) => ORDERS[iccid] ?? [] },
  catalog: async () => [price('EU_1GB', 500), price('WW_5GB', 2_000)],
};

const run = (by: 'month' | 'policy' | 'operator', deadline = Number.POSITIVE_INFINITY) => {
  const progress: FleetReadProgress = { simsRead: 0, complete: true };
  const definition = { type: 'spend', from: '2026-11-01', to: '2027-01-01', by } as const;
  return spendRows(reader, definition, deadline, progress).then((rows) => ({ rows, progress }));
};

describe('the spend report', () => {
  it('counts the plans bought in the period by month, priced from the catalogue', async () => {
    const { rows, progress } = await run('month');
    expect(rows).toEqual([
      {
        month: '2026-11',
        planId: 'EU_1GB',
        plans: 2,
        unitAmountMinor: 500,
        amountMinor: 1_000,
        currency: 'EUR',
      },
      {
        month: '2026-12',
        planId: 'GONE',
        plans: 1,
        unitAmountMinor: undefined,
        amountMinor: undefined,
        currency: undefined,
      },
      {
        month: '2026-12',
        planId: 'WW_5GB',
        plans: 1,
        unitAmountMinor: 2_000,
        amountMinor: 2_000,
        currency: 'EUR',
      },
    ]);
    expect(progress).toEqual({ simsRead: 2, complete: true });
  });

  it('by policy: the policy that bought each plan, empty for orders made through the API', async () => {
    const { rows } = await run('policy');
    expect(rows.map((row) => [row.policyId, row.planId, row.plans, row.amountMinor])).toEqual([
      ['', 'EU_1GB', 1, 500],
      ['', 'GONE', 1, undefined],
      ['auto-eu', 'EU_1GB', 1, 500],
      ['auto-eu', 'WW_5GB', 1, 2_000],
    ]);
  });

  it("by operator: who ordered each plan (the history's operator actions), a policy's as policy:<id>", async () => {
    history.asked.length = 0;
    const { rows } = await run('operator');
    expect(rows.map((row) => [row.operator, row.planId, row.plans])).toEqual([
      [OPS, 'EU_1GB', 1],
      ['policy:auto-eu', 'EU_1GB', 1],
      ['policy:auto-eu', 'WW_5GB', 1],
      ['unknown', 'GONE', 1],
    ]);
    // Only SIMs with a plan bought through the API are looked up, operator actions only.
    expect(history.asked).toEqual([
      { iccid: '8900000000000000001', types: ['operator.action'] },
      { iccid: '8900000000000000001', types: ['operator.action'] },
      { iccid: '8900000000000000002', types: ['operator.action'] },
    ]);
  });

  it('stops at its deadline and says so', async () => {
    const { rows, progress } = await run('month', 0);
    expect(rows).toEqual([]);
    expect(progress).toEqual({ simsRead: 0, complete: false });
  });

  it('is asked for with a period and a breakdown the API knows', () => {
    const paths = (value: unknown) => {
      const result = z.safeParse(reportRequestSchema, value);
      return result.success ? [] : result.error.issues.map((issue) => issue.path.join('.'));
    };
    expect(paths({ type: 'spend', from: '2026-11-01', to: '2026-12-01', by: 'month' })).toEqual([]);
    expect(paths({ type: 'spend', from: '2026-11-01', to: '2026-12-01', by: 'operator' })).toEqual([]);
    expect(paths({ type: 'spend', from: '2026-11-01', to: '2026-12-01', by: 'country' })).toEqual(['by']);
    expect(paths({ type: 'spend', from: '2026-12-01', to: '2026-11-01', by: 'policy' })).toEqual(['from']);
  });
});
