import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { iccidFor } from '#local/simulator/index.js';
import { type LocalStack, startLocalStack } from '#local/stack.js';
import {
  api,
  counters,
  drainPublishedEvents,
  type OrderView,
  PLAN,
  postWebhook,
  sign,
  WEBHOOK_SECRET,
  waitForOrders,
} from './stack-harness.js';

/**
 * Capped plans that look after themselves, through the whole local stack: an exhausted plan topped up by a
 * policy, once per occurrence, within its monthly limit; a threshold of the user's choosing fired by the sweep,
 * once; and all of it in the SIM's history.
 */

const GIB = 1024 ** 3;
let stack: LocalStack;
/** Runs of the policy sweep so far (the local runtime logs each). */
let sweeps = 0;

beforeAll(async () => {
  stack = await startLocalStack({
    port: 0,
    separateEmulators: true,
    separateConsumers: ['events-worker'],
    webhookSecret: WEBHOOK_SECRET,
    simulator: { activationDelayMs: 200, lifecycleDelayMs: 50 },
    // The sweep every 2 s instead of 15 minutes; policies read fresh on every event.
    schedulePeriodSeconds: 2,
    log: {
      info: (line) => {
        if (line.startsWith('policy-sweep: scheduled run done')) sweeps += 1;
      },
      warn: () => {},
    },
    env: { ...process.env, POLL_FIRST_DELAY_SECONDS: '5', POLICY_CACHE_SECONDS: '0', LOG_LEVEL: 'ERROR' },
  });
}, 60_000);
afterAll(() => stack?.stop());

const simulator = () => {
  if (!stack.simulator) throw new Error('the stack runs without the simulator');
  return stack.simulator;
};

async function use(iccid: string, bytes: number): Promise<void> {
  const response = await fetch(`${simulator().url}/_sim/usage`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ iccid, bytes, country: 'FR' }),
  });
  expect(response.status).toBeLessThan(300);
}

async function ordersOf(iccid: string): Promise<OrderView[]> {
  const { body } = await api(stack, 'GET', `/v1/sims/${iccid}/events?type=order.RECEIVED&limit=200`);
  const ids = [...new Set((body.events as { orderId: string }[]).map((event) => event.orderId))];
  return ids.length ? waitForOrders(stack, ids, 60_000) : [];
}

async function policyOrders(iccid: string, policyId: string): Promise<OrderView[]> {
  return (await ordersOf(iccid)).filter((order) => (order as { policyId?: string }).policyId === policyId);
}

describe('an exhausted plan, topped up by a policy', () => {
  const iccid = iccidFor('available', 11);
  let published: Record<string, unknown>[] = [];

  it('gives one top-up per exhaustion, none for a duplicate or a replay, none past the monthly limit', async () => {
    // A SIM activated with a plan, in group G.
    const activation = await api(stack, 'POST', `/v1/sims/${iccid}/activation`, { planId: PLAN, group: 'G' });
    expect(activation.status).toBe(202);
    const [activated] = await waitForOrders(stack, [activation.body.orderId as string], 60_000);
    expect(activated?.status).toBe('COMPLETED');

    const policy = {
      scope: { group: 'G' },
      trigger: { on: 'exhausted' },
      action: { planId: PLAN },
      limits: { maxPerSimPerMonth: 2 },
    };
    expect((await api(stack, 'PUT', '/v1/policies/auto-g', policy)).status).toBe(201);

    // First exhaustion: one top-up, COMPLETED, on the balance.
    await use(iccid, GIB + 1);
    await expect.poll(async () => (await policyOrders(iccid, 'auto-g')).length, { timeout: 30_000 }).toBe(1);
    const [first] = await policyOrders(iccid, 'auto-g');
    expect(first).toMatchObject({ status: 'COMPLETED', iccid, planId: PLAN });
    expect(first?.timeline[0]?.note).toMatch(/^top-up by policy auto-g: data exhausted on subscription /);
    const balance = await api(stack, 'GET', `/v1/sims/${iccid}/balance`);
    expect((balance.body.plans as { subscriptionId: string }[]).map((plan) => plan.subscriptionId)).toContain(
      first?.subscriptionId,
    );

    // The exhausted webhook delivered again (same event id), and replayed under a new id: nothing more.
    const [exhausted] = simulator().core.webhooks.listEvents(1, 'OCS/PRODUCT/RESOURCE/EXHAUSTED');
    if (!exhausted) throw new Error('the simulator emitted no exhausted event');
    const { eventId, eventType, eventDate, body: eventBody } = exhausted;
    const raw = JSON.stringify({ header: { eventId, eventType, eventDate }, body: eventBody });
    expect((await postWebhook(stack, raw, sign(raw))).status).toBe(204);
    const test = await fetch(`${simulator().url}/_sim/webhooks/test`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ eventType, body: eventBody }),
    });
    expect(test.status).toBe(202);
    await expect
      .poll(
        async () => {
          const { body } = await api(stack, 'GET', `/v1/sims/${iccid}/events?type=policy.skipped`);
          return (body.events as unknown[]).length;
        },
        { timeout: 30_000 },
      )
      .toBeGreaterThanOrEqual(1);
    expect(await policyOrders(iccid, 'auto-g')).toHaveLength(1);

    // A second exhaustion (the top-up's plan) gives the second top-up.
    await use(iccid, GIB + 1);
    await expect.poll(async () => (await policyOrders(iccid, 'auto-g')).length, { timeout: 30_000 }).toBe(2);

    // A third orders nothing, and says so on the topic.
    await use(iccid, GIB + 1);
    await expect
      .poll(
        async () => {
          published = published.concat(await drainPublishedEvents(stack));
          return published.filter((event) => event.type === 'policy.limit_reached').length;
        },
        { timeout: 30_000 },
      )
      .toBe(1);
    expect(await policyOrders(iccid, 'auto-g')).toHaveLength(2);
    expect(counters(stack).subscriptionsBySim[iccid]).toBe(3); // the activation's plan and two top-ups
    const ordered = published.filter((event) => event.type === 'policy.topup_ordered');
    expect(ordered).toHaveLength(2);
  }, 180_000);

  it('shows all of it in the SIM history, newest first', async () => {
    const { status, body } = await api(stack, 'GET', `/v1/sims/${iccid}/events?limit=200`);
    expect(status).toBe(200);
    const events = body.events as { at: string; type: string; source: string }[];
    const types = events.map((event) => event.type);
    for (const type of [
      'operator.action',
      'order.COMPLETED',
      'data.exhausted',
      'policy.topup_ordered',
      'policy.skipped',
      'policy.limit_reached',
    ])
      expect(types, type).toContain(type);
    expect(types.filter((type) => type === 'policy.topup_ordered')).toHaveLength(2);
    const times = events.map((event) => event.at);
    expect(times).toEqual([...times].sort().reverse());
    // The limit reached is the newest policy decision, after the two top-ups.
    const decisions = types.filter((type) => type.startsWith('policy.') && type !== 'policy.skipped');
    expect(decisions).toEqual(['policy.limit_reached', 'policy.topup_ordered', 'policy.topup_ordered']);
  });
});

describe("a usage threshold of the user's choosing, fired by the sweep", () => {
  it('tops up once when usage crosses 50 %, and not again', async () => {
    const iccid = iccidFor('active', 4);
    const policy = {
      scope: { iccids: [iccid] },
      trigger: { on: 'threshold', percent: 50 },
      action: { planId: PLAN },
      limits: { maxPerSimPerMonth: 5 },
    };
    expect((await api(stack, 'PUT', '/v1/policies/half', policy)).status).toBe(201);
    const before = await api(stack, 'GET', `/v1/sims/${iccid}/balance`);
    const [plan] = before.body.plans as { data: { totalBytes: number; usedBytes: number } }[];
    if (!plan) throw new Error(`no plan on ${iccid}`);
    expect(plan.data.usedBytes / plan.data.totalBytes).toBeLessThan(0.5);

    await drainPublishedEvents(stack);
    await use(iccid, Math.ceil(plan.data.totalBytes * 0.5 - plan.data.usedBytes) + 1024);
    await expect.poll(async () => (await policyOrders(iccid, 'half')).length, { timeout: 30_000 }).toBe(1);
    // Three more sweeps go by: the threshold does not fire again for that plan.
    const after = sweeps;
    await expect.poll(() => sweeps, { timeout: 30_000 }).toBeGreaterThanOrEqual(after + 3);
    expect(await policyOrders(iccid, 'half')).toHaveLength(1);
    const thresholds = (await drainPublishedEvents(stack)).filter(
      (event) => event.type === 'usage.threshold' && event.iccid === iccid,
    );
    expect(thresholds).toHaveLength(1);
  }, 90_000);
});
