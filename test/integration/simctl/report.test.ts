import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalStack, startLocalStack } from '#local/stack.js';
import { waitFor } from '#test/fixtures/local/wait.js';
import { simctl } from './harness.js';

/**
 * Issue #19's done-when: `simctl report plans-expiring --days 30` lists exactly the plans the simulator says
 * expire in that window, through the whole local stack (reports API, report queue and worker, fauxqs' S3).
 */

const DAY_MS = 86_400_000;
const ENDED = new Set(['expired', 'canceled', 'terminated']);

interface SimPlan {
  iccid: string;
  subscriptionId: string;
  status: string;
  expiresAt: number;
}

describe('simctl report against the local stack', () => {
  let stack: LocalStack;
  const cli = (...argv: string[]) => simctl(argv, { url: stack.url });

  beforeAll(async () => {
    stack = await startLocalStack({
      port: 0,
      // The reports' share of the rate limit, raised: the pacing is the unit tests' and the infra's concern.
      env: { REPORT_MAX_RPS: '50' },
      // catalog-sync's copy at start: the plan order of the spend test is checked against it.
      pollWaitTimeSeconds: 1,
      simulator: {
        simCounts: {
          available: 2,
          preactivated: 2,
          active: 12,
          'active-esim': 3,
          suspended: 2,
          terminated: 1,
        },
      },
    });
  });
  afterAll(() => stack?.stop());

  /** Every plan of every SIM, as the simulator's admin view says. */
  async function simulatorPlans(): Promise<SimPlan[]> {
    const admin = (path: string) => fetch(`${stack.simulator?.url}${path}`).then((r) => r.json());
    const { sims } = (await admin('/_sim/sims?limit=1000')) as { sims: { iccid: string }[] };
    const plans: SimPlan[] = [];
    for (const { iccid } of sims) {
      const detail = (await admin(`/_sim/sims/${iccid}`)) as {
        subscriber?: { status?: string };
        products?: { subscriptionId: string; status: string; expirationDate?: string }[];
      };
      for (const product of detail.products ?? []) {
        if (!product.expirationDate) continue;
        plans.push({
          iccid,
          subscriptionId: product.subscriptionId,
          status: product.status,
          expiresAt: Date.parse(product.expirationDate),
        });
      }
    }
    return plans;
  }

  const expiringWithin = (plans: SimPlan[], from: number, to: number) =>
    plans
      .filter((plan) => !ENDED.has(plan.status) && plan.expiresAt > from && plan.expiresAt <= to)
      .map((plan) => plan.subscriptionId)
      .sort();

  function csvRows(text: string): Record<string, string>[] {
    const [header, ...lines] = text.trimEnd().split('\r\n');
    const columns = (header ?? '').split(',');
    return lines.map((line) => Object.fromEntries(line.split(',').map((value, i) => [columns[i], value])));
  }

  it('plans-expiring --days 30 lists exactly the plans the simulator says expire in that window', async () => {
    // One plan in the window is expired first: it is no longer listed.
    const before = await simulatorPlans();
    const soon = before.find((plan) => plan.status === 'active' && plan.expiresAt < Date.now() + 30 * DAY_MS);
    expect(soon, 'the seeded fleet has a plan expiring within 30 days').toBeDefined();
    const expired = await fetch(`${stack.simulator?.url}/_sim/products/${soon?.subscriptionId}/expire`, {
      method: 'POST',
    });
    expect(expired.status).toBeLessThan(300);

    const plans = await simulatorPlans();
    const started = Date.now();
    const result = await cli('report', 'plans-expiring', '--days', '30');
    const finished = Date.now();
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout.split('\r\n')[0]).toBe(
      'iccid,msisdn,group,reference,subscriptionId,planId,status,expiresAt,daysLeft,remainingBytes,totalBytes',
    );
    const rows = csvRows(result.stdout);
    const listed = rows.map((row) => row.subscriptionId as string).sort();
    // The window counts from the moment the worker ran, between `started` and `finished`.
    const surely = expiringWithin(plans, finished, started + 30 * DAY_MS);
    const possibly = expiringWithin(plans, started, finished + 30 * DAY_MS);
    expect(surely.length).toBeGreaterThan(0);
    for (const id of surely) expect(listed).toContain(id);
    for (const id of listed) expect(possibly).toContain(id);
    expect(listed).not.toContain(soon?.subscriptionId);
    // Soonest first, each with its ICCID and the days left.
    const expiries = rows.map((row) => row.expiresAt as string);
    expect([...expiries].sort()).toEqual(expiries);
    for (const row of rows) {
      const plan = plans.find((candidate) => candidate.subscriptionId === row.subscriptionId);
      expect(row.iccid).toBe(plan?.iccid);
      expect(Number(row.daysLeft)).toBeGreaterThanOrEqual(1);
      expect(Number(row.daysLeft)).toBeLessThanOrEqual(30);
    }
  });

  it('counts the window from the report run, which --json and report get say', async () => {
    const plans = await simulatorPlans();
    const answer = await cli('report', 'plans-expiring', '--days', '7', '--json');
    expect(answer.code).toBe(0);
    const report = JSON.parse(answer.stdout) as {
      reportId: string;
      status: string;
      startedAt: string;
      rows: number;
    };
    expect(report).toMatchObject({ status: 'DONE', complete: true, format: 'csv' });
    const from = Date.parse(report.startedAt);
    const csv = await cli('report', 'get', report.reportId);
    expect(csv.code).toBe(0);
    const listed = csvRows(csv.stdout)
      .map((row) => row.subscriptionId as string)
      .sort();
    expect(listed).toEqual(expiringWithin(plans, from, from + 7 * DAY_MS));
    expect(report.rows).toBe(listed.length);

    // simctl streamed it from the API (a small report); the presigned URL serves the same bytes from the bucket.
    const record = (await fetch(`${stack.url}/v1/reports/${report.reportId}`).then((r) => r.json())) as {
      downloadUrl: string;
    };
    const fromBucket = await fetch(record.downloadUrl);
    expect(fromBucket.status).toBe(200);
    expect(await fromBucket.text()).toBe(csv.stdout);
    const inline = await fetch(`${stack.url}/v1/reports/${report.reportId}?content=inline`);
    expect(inline.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(await inline.text()).toBe(csv.stdout);
  });

  it('data-low as JSON lists the capped plans with little data left', async () => {
    const result = await cli('report', 'data-low', '--percent', '100', '--format', 'json');
    expect(result.code).toBe(0);
    const body = JSON.parse(result.stdout) as { rows: { remainingPercent: number; iccid: string }[] };
    expect(body.rows.length).toBeGreaterThan(0);
    const percents = body.rows.map((row) => row.remainingPercent);
    expect([...percents].sort((a, b) => a - b)).toEqual(percents);
  });

  it("usage sums the sessions of every SIM by group and country, as each SIM's usage says", async () => {
    const to = new Date(Date.now() + DAY_MS).toISOString();
    const from = new Date(Date.now() - 60 * DAY_MS).toISOString();
    const result = await cli('report', 'usage', '--from', from, '--to', to, '--format', 'json');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const { rows } = JSON.parse(result.stdout) as { rows: Record<string, string | number>[] };

    const api = (path: string) => fetch(`${stack.url}${path}`).then((r) => r.json());
    const { sims } = (await fetch(`${stack.simulator?.url}/_sim/sims?limit=1000`).then((r) => r.json())) as {
      sims: { iccid: string; status: string }[];
    };
    const expected = new Map<string, { sims: number; sessions: number; totalBytes: number }>();
    for (const { iccid, status } of sims) {
      if (status === 'Available') continue;
      const { group } = (await api(`/v1/sims/${iccid}`)) as { group?: string };
      const usage = (await api(
        `/v1/sims/${iccid}/usage?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`,
      )) as { byCountry: { country: string; sessions: number; totalBytes: number }[] };
      for (const entry of usage.byCountry) {
        const key = `${group ?? ''}/${entry.country}`;
        const cell = expected.get(key) ?? { sims: 0, sessions: 0, totalBytes: 0 };
        cell.sims += 1;
        cell.sessions += entry.sessions;
        cell.totalBytes += entry.totalBytes;
        expected.set(key, cell);
      }
    }
    expect(expected.size).toBeGreaterThan(0);
    expect(
      Object.fromEntries(
        rows.map((row) => [
          `${row.group ?? ''}/${row.country}`,
          { sims: row.sims, sessions: row.sessions, totalBytes: row.totalBytes },
        ]),
      ),
    ).toEqual(Object.fromEntries(expected));
  });

  it('spend lists the plan bought in the period, by month and by policy, priced from the catalogue', async () => {
    const { sims } = (await fetch(`${stack.url}/v1/sims?status=Active`).then((r) => r.json())) as {
      sims: { iccid: string }[];
    };
    const { plans } = (await fetch(`${stack.url}/v1/plans`).then((r) => r.json())) as {
      plans: { planId: string; price: { amountMinor: number; currency: string } }[];
    };
    const [plan] = plans;
    const iccid = sims[0]?.iccid as string;
    const accepted = await fetch(`${stack.url}/v1/sims/${iccid}/plans`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ planId: plan?.planId }),
    });
    expect(accepted.status).toBe(202);
    const { orderId } = (await accepted.json()) as { orderId: string };
    const completed = await waitFor(async () => {
      const order = (await fetch(`${stack.url}/v1/orders/${orderId}`).then((r) => r.json())) as {
        status: string;
        timeline: { status: string; at: string }[];
      };
      return order.status === 'COMPLETED' ? order : undefined;
    }, 30_000);

    const from = new Date(Date.now() - DAY_MS).toISOString();
    const to = new Date(Date.now() + DAY_MS).toISOString();
    const byMonth = await cli('report', 'spend', '--from', from, '--to', to);
    expect(byMonth.stderr).toBe('');
    expect(byMonth.code).toBe(0);
    // The month the plan was bought in: its order's COMPLETED step.
    const month = completed.timeline.find((step) => step.status === 'COMPLETED')?.at.slice(0, 7);
    const price = plan?.price as { amountMinor: number; currency: string };
    expect(csvRows(byMonth.stdout)).toEqual([
      {
        month,
        planId: plan?.planId,
        plans: '1',
        unitAmountMinor: String(price.amountMinor),
        amountMinor: String(price.amountMinor),
        currency: price.currency,
      },
    ]);
    const byPolicy = await cli(
      'report',
      'spend',
      '--from',
      from,
      '--to',
      to,
      '--by',
      'policy',
      '--format',
      'json',
    );
    expect(JSON.parse(byPolicy.stdout).rows).toEqual([
      {
        policyId: '',
        planId: plan?.planId,
        plans: 1,
        unitAmountMinor: price.amountMinor,
        amountMinor: price.amountMinor,
        currency: price.currency,
      },
    ]);
    // The local runtime's caller is `local` (the history's operator action of the order).
    const byOperator = await cli('report', 'spend', '--from', from, '--to', to, '--by', 'operator');
    expect(csvRows(byOperator.stdout).map((row) => [row.operator, row.planId, row.plans])).toEqual([
      ['local', plan?.planId, '1'],
    ]);
  });

  it('refuses a bad request with the field named, before anything is queued', async () => {
    const response = await fetch(`${stack.url}/v1/reports`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'plans-expiring', days: 0 }),
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    const problem = (await response.json()) as { errors: { path: string }[] };
    expect(problem.errors.map((error) => error.path)).toEqual(['body.days']);
    const missing = await fetch(`${stack.url}/v1/reports/rpt_00000000000000000000000000000000`);
    expect(missing.status).toBe(404);
    const unknownQuery = await fetch(
      `${stack.url}/v1/reports/rpt_00000000000000000000000000000000?content=all`,
    );
    expect(unknownQuery.status).toBe(400);
    expect((await cli('report', 'plans-expiring')).code).toBe(2);
  });
});
