import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { iccidFor, type RunningSimulator, startSimulator } from '#local/simulator/index.js';
import { type SweepDeps, sweep } from '#shared/policies/sweep.js';
import type { Policy, PolicyDefinition } from '#shared/store/policy.js';
import { MemoryPolicyLedger } from '#shared/store/policy-ledger.js';
import { createTransatelClient, type TransatelClient } from '#shared/transatel/client.js';
import type { FleetNotification } from '#shared/workflow/notifications.js';

/**
 * The sweep against the simulator over HTTP: it reads the balances of the SIMs in scope of threshold and
 * expiring policies and fires each once per plan period.
 */

let sim: RunningSimulator;
let client: TransatelClient;
let ledger: MemoryPolicyLedger;
let published: FleetNotification[];
let policies: Policy[];

beforeAll(async () => {
  sim = await startSimulator({
    port: 0,
    simCounts: { available: 2, preactivated: 2, active: 8, 'active-esim': 2, suspended: 2, terminated: 1 },
  });
  client = createTransatelClient({
    baseUrl: sim.url,
    mvnoRef: 'M2MA_WW_TSL_LOCAL',
    cos: 'WW_M2MA_COS_IOT_CONNECT',
    ratePlan: 'M2MA_WW_TSL_IOTCONNECT_CAPPED',
    credentials: async () => ({ clientId: 'local-client', clientSecret: 'local-secret' }),
  });
});
afterAll(() => sim.close());

beforeEach(() => {
  sim.reset();
  ledger = new MemoryPolicyLedger();
  published = [];
  policies = [];
});

function policy(policyId: string, definition: Partial<PolicyDefinition>): Policy {
  return {
    policyId,
    scope: { all: true },
    trigger: { on: 'threshold', percent: 50 },
    action: { planId: 'IOTC_CAPPED_EU_1GB_1M' },
    limits: { maxPerSimPerMonth: 1 },
    enabled: true,
    createdAt: '2026-12-01T00:00:00.000Z',
    updatedAt: '2026-12-01T00:00:00.000Z',
    ...definition,
  };
}

const deps = (deadline = Date.now() + 60_000): SweepDeps => ({
  policies: async () => policies,
  ledger,
  transatel: client,
  notify: async (notification) => void published.push(notification),
  now: () => new Date(),
  deadline,
});

/** A seeded Active SIM with a plan (even index), its plan's usage as a share of its allowance. */
async function planOf(iccid: string) {
  const { msisdn } = await client.connectivity.getSubscriber(iccid);
  const [product] = await client.ocsInventory.listProducts(msisdn as string);
  if (!product) throw new Error(`no plan on ${iccid}`);
  return product;
}

async function use(iccid: string, bytes: number): Promise<void> {
  const response = await fetch(`${sim.url}/_sim/usage`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ iccid, bytes, country: 'FR' }),
  });
  expect(response.status).toBeLessThan(300);
}

describe('the policy sweep', () => {
  it('fires a threshold once when the plan crosses it, and not again', async () => {
    const iccid = iccidFor('active', 0);
    policies = [policy('half', { scope: { iccids: [iccid] } })];
    const before = await planOf(iccid);
    const usedPercent = (before.data.usedBytes / before.data.totalBytes) * 100;
    if (usedPercent >= 50) throw new Error('the seeded plan is over half used: pick another SIM');

    const quiet = await sweep(deps());
    expect(quiet).toMatchObject({
      policies: 1,
      sims: 1,
      balancesRead: 1,
      fired: { threshold: 0 },
      complete: true,
    });
    expect(published).toEqual([]);

    await use(iccid, Math.ceil(before.data.totalBytes * 0.5 - before.data.usedBytes) + 1024);
    const crossing = await sweep(deps());
    expect(crossing.fired.threshold).toBe(1);
    expect(published).toEqual([
      expect.objectContaining({
        type: 'usage.threshold',
        iccid,
        subscriptionId: before.subscriptionId,
        planId: before.productId,
        details: expect.objectContaining({ policyId: 'half', percent: 50, expiresAt: before.expiresAt }),
      }),
    ]);
    expect((published[0]?.details?.usedPercent as number) >= 50).toBe(true);

    await use(iccid, 1024 * 1024);
    const after = await sweep(deps());
    expect(after).toMatchObject({ fired: { threshold: 0 }, alreadyFired: 1 });
    expect(published).toHaveLength(1);
  });

  it('fires expiring plans within daysBefore of their expiry, once each', async () => {
    const withPlans = [iccidFor('active', 0), iccidFor('active', 2)];
    policies = [
      policy('soon', { scope: { iccids: withPlans }, trigger: { on: 'expiring', daysBefore: 30 } }),
    ];
    const first = await sweep(deps());
    expect(first.fired.expiring).toBe(2);
    expect(published.map((n) => [n.type, n.iccid])).toEqual(
      withPlans.map((iccid) => ['plan.expiring', iccid]),
    );
    expect((await sweep(deps())).alreadyFired).toBe(2);
  });

  it('reads the SIMs of a group from SIM search, in service only, and each SIM once for two policies', async () => {
    policies = [
      policy('a', { scope: { group: 'FLEET_A' }, trigger: { on: 'threshold', percent: 99 } }),
      policy('b', { scope: { all: true }, trigger: { on: 'expiring', daysBefore: 1 } }),
    ];
    const report = await sweep(deps());
    const inService: string[] = [];
    for await (const record of client.simSearch.all())
      if (['Active', 'TestMode'].includes(record.status)) inService.push(record.iccid);
    expect(report.sims).toBe(inService.length);
    expect(report.balancesRead).toBe(inService.length);
    expect(report.complete).toBe(true);
  });

  it('stops at its deadline and says it did not finish', async () => {
    policies = [policy('half', {})];
    const report = await sweep(deps(Date.now() - 1));
    expect(report).toMatchObject({ balancesRead: 0, complete: false });
  });

  it('reads nothing when no policy needs it', async () => {
    policies = [policy('exhausted', { trigger: { on: 'exhausted' } }), policy('off', { enabled: false })];
    expect(await sweep(deps())).toMatchObject({ policies: 0, sims: 0, balancesRead: 0 });
  });
});
