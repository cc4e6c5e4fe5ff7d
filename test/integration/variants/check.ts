import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { samplePlanId } from '#local/banner.js';
import { iccidFor, type SimulatorVariant } from '#local/simulator/index.js';
import { type LocalStack, startLocalStack } from '#local/stack.js';
import { simctl } from '../simctl/harness.js';
import {
  counters,
  drainPublishedEvents,
  type OrderView,
  unknownIccid,
  waitForOrders,
} from '../workflow/stack-harness.js';

/**
 * The whole workflow through the local stack against one simulator variant: the first order `npm start`
 * suggests, activation then plan for every kind of SIM, a top-up, the webhook paths, every read route, and
 * the variant's own cases. Every API answer is recorded: none may be a 5xx. A variant runs in a test file of
 * its own (one stack per process: the functions keep their clients for the life of the process).
 */

export const PLAN = samplePlanId();

export interface VariantStack {
  stack: LocalStack;
  /** Calls the API, recording the status; the body parsed. */
  api(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: Record<string, unknown> }>;
  /** Every API answer so far. */
  answers: { route: string; status: number }[];
  order(iccid: string, planId?: string | null): Promise<string>;
  settle(orderIds: readonly string[]): Promise<OrderView[]>;
  simAdmin(method: string, path: string, body?: unknown): Promise<unknown>;
}

export async function startVariantStack(variant: SimulatorVariant): Promise<VariantStack> {
  const stack = await startLocalStack({
    port: 0,
    separateEmulators: true,
    separateConsumers: ['events-worker'],
    simulator: { variant, activationDelayMs: 200, lifecycleDelayMs: 50 },
    env: { ...process.env, POLL_FIRST_DELAY_SECONDS: '1', PLAN_CLAIM_LEASE_SECONDS: '2', LOG_LEVEL: 'ERROR' },
  });
  const answers: { route: string; status: number }[] = [];
  const api: VariantStack['api'] = async (method, path, body) => {
    const response = await fetch(`${stack.url}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    answers.push({ route: `${method} ${path}`, status: response.status });
    return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  };
  return {
    stack,
    api,
    answers,
    async order(iccid, planId = PLAN) {
      const { status, body } = await api('POST', `/v1/sims/${iccid}/activation`, planId ? { planId } : {});
      expect(status, JSON.stringify(body)).toBe(202);
      return body.orderId as string;
    },
    settle: (orderIds) => waitForOrders(stack, orderIds, 60_000),
    async simAdmin(method, path, body) {
      const response = await fetch(`${stack.simulator?.url}/_sim${path}`, {
        method,
        ...(body === undefined
          ? {}
          : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
      });
      expect(response.status, `/_sim${path}`).toBeLessThan(300);
      return response.json();
    },
  };
}

/** What must hold under any variant. */
export async function checkWorkflow(v: VariantStack): Promise<void> {
  const { api } = v;

  // The first order npm start prints, as printed (same SIM, plan and key), ends in a final status.
  const first = await api('POST', `/v1/sims/${iccidFor('available', 0)}/activation`, { planId: PLAN });
  expect(first.status).toBe(202);
  const [firstOrder] = await v.settle([first.body.orderId as string]);
  expect(firstOrder?.status, JSON.stringify(firstOrder)).toBe('COMPLETED');

  // Activation then plan, for every kind of SIM.
  const ids = {
    available: await v.order(iccidFor('available', 1)),
    availableEsim: await v.order(iccidFor('available-esim', 0)),
    noPlan: await v.order(iccidFor('available', 2), null),
    preactivated: await v.order(iccidFor('preactivated', 0)),
    active: await v.order(iccidFor('active', 1)),
    terminated: await v.order(iccidFor('terminated', 0)),
    unknown: await v.order(unknownIccid(7)),
  };
  const settled = await v.settle(Object.values(ids));
  const byId = new Map(settled.map((order) => [order.orderId, order]));
  const statusOf = (id: string) => byId.get(id)?.status;
  const all = JSON.stringify(settled, null, 1);
  for (const id of [ids.available, ids.availableEsim, ids.noPlan, ids.preactivated, ids.active])
    expect(statusOf(id), all).toBe('COMPLETED');
  expect(byId.get(ids.preactivated)?.orderType, all).toBe('preload');
  expect(byId.get(ids.terminated)?.failure?.code, all).toBe('SIM_NOT_ACTIVATABLE');
  expect(byId.get(ids.unknown)?.failure?.code, all).toBe('SUBSCRIBER_NOT_FOUND');

  // A top-up on the SIM just activated: ordered once.
  const topUp = await api('POST', `/v1/sims/${iccidFor('available', 1)}/plans`, { planId: PLAN });
  expect(topUp.status, JSON.stringify(topUp.body)).toBe(202);
  const [topUpOrder] = await v.settle([topUp.body.orderId as string]);
  expect(topUpOrder?.status, JSON.stringify(topUpOrder)).toBe('COMPLETED');
  expect(counters(v.stack).subscriptionsBySim[iccidFor('available', 1)]).toBe(2);
  for (const iccid of [iccidFor('available', 0), iccidFor('available-esim', 0), iccidFor('active', 1)])
    expect(counters(v.stack).subscriptionsBySim[iccid], iccid).toBe(1);
  expect(counters(v.stack).subscriptionsBySim[iccidFor('available', 2)]).toBeUndefined();

  // Webhooks: every signed event was taken in, and the normalized events were published.
  const webhooks = counters(v.stack).webhooks;
  expect(webhooks.delivered, JSON.stringify(webhooks)).toBeGreaterThan(0);
  expect(webhooks.failed, JSON.stringify(webhooks)).toBe(0);
  await expect
    .poll(async () => (await drainPublishedEvents(v.stack)).map((event) => event.type), { timeout: 10_000 })
    .toEqual(expect.arrayContaining(['sim.activated', 'plan.activated']));

  // Every read route answers, whatever the variant left out.
  const balance = await api('GET', `/v1/sims/${iccidFor('available', 1)}/balance`);
  expect(balance.status).toBe(200);
  expect((balance.body.plans as unknown[]).length).toBe(2);
  const plans = await api('GET', '/v1/plans');
  expect(plans.status).toBe(200);
  const onSale = v.stack.simulator?.core.catalog.filter((product) => product.available).length;
  expect((plans.body.plans as unknown[]).length).toBe(onSale);
  const fleetA = await api('GET', '/v1/sims?status=Active&group=FLEET_A&pageSize=5');
  expect(fleetA.status).toBe(200);
  const listed = fleetA.body.sims as { status: string; group?: string }[];
  expect(listed.length).toBeGreaterThan(0);
  for (const sim of listed) {
    expect(sim.status).toBe('Active');
    if (sim.group !== undefined) expect(sim.group).toBe('FLEET_A');
  }
  expect((await api('GET', `/v1/sims/${iccidFor('active', 2)}`)).status).toBe(200);
  const usage = await api('GET', `/v1/sims/${iccidFor('active', 0)}/usage`);
  expect(usage.status).toBe(200);
  expect(usage.body).toMatchObject({ complete: true });
  expect((usage.body.sessions as number) > 0).toBe(true);
  const esim = await api('GET', `/v1/sims/${iccidFor('active-esim', 0)}/esim`);
  expect(esim.status).toBe(200);
  expect(esim.body.qrCodePng).toMatch(/^data:image\/png;base64,/);

  // Changes keep the SIM's own rate plan.
  const changed = iccidFor('active', 3);
  const ratePlanBefore = v.stack.simulator?.core.state.getSim(changed)?.ratePlan;
  expect((await api('PATCH', `/v1/sims/${changed}`, { group: 'FLEET_Z' })).status).toBe(202);
  await expect
    .poll(() => v.stack.simulator?.core.state.getSim(changed)?.group, { timeout: 5_000 })
    .toBe('FLEET_Z');
  expect(v.stack.simulator?.core.state.getSim(changed)?.ratePlan).toBe(ratePlanBefore);
  expect((await api('POST', `/v1/sims/${iccidFor('active', 5)}/suspend`)).status).toBe(202);

  // A SIM Transatel will not activate fails at once with Transatel's reason, not at the activation deadline.
  const refused = iccidFor('available', 3);
  await v.simAdmin('POST', `/sims/${refused}/unprovision`);
  const [refusedOrder] = await v.settle([await v.order(refused)]);
  expect(refusedOrder?.status).toBe('FAILED');
  expect(refusedOrder?.failure?.detail).toMatch(/not provisioned/);
}

/** No 5xx from our API, whatever Transatel answered. */
export function checkNoServerErrors(v: VariantStack): void {
  const serverErrors = v.answers.filter((answer) => answer.status >= 500);
  expect(serverErrors).toEqual([]);
}

/**
 * A plan order whose answer is lost, on a Transatel whose inventory cannot identify it (sparse) and whose
 * events do not arrive: the order stops in NEEDS_REVIEW instead of buying again, and simctl resolves it.
 */
export async function checkReviewAndResolve(v: VariantStack): Promise<void> {
  const iccid = iccidFor('active', 7);
  await v.simAdmin('PUT', '/faults', {
    routes: { ocsOrder: { loseResponseRate: 1 } },
    webhooks: { dropRate: 1 },
  });
  const orderId = (await v.api('POST', `/v1/sims/${iccid}/plans`, { planId: PLAN })).body.orderId as string;
  const [held] = await v.settle([orderId]);
  await v.simAdmin('PUT', '/faults', {});
  expect(held?.status, JSON.stringify(held)).toBe('NEEDS_REVIEW');
  expect(held?.failure?.code).toBe('PLAN_OUTCOME_UNKNOWN');
  expect(counters(v.stack).subscriptionsBySim[iccid]).toBe(1);

  // The operator finds the plan on the SIM, and says so.
  const balance = await v.api('GET', `/v1/sims/${iccid}/balance`);
  const found = (balance.body.plans as { subscriptionId?: string }[]).at(-1)?.subscriptionId;
  expect(found).toBeTruthy();
  const resolved = await simctl(
    ['order', 'resolve', orderId, '--outcome', 'subscribed', '--subscription-id', found as string, '--json'],
    { url: v.stack.url },
  );
  expect(resolved.code, resolved.stderr).toBe(0);
  const order = JSON.parse(resolved.stdout) as OrderView;
  expect(order).toMatchObject({ status: 'COMPLETED', subscriptionId: found });
  expect(order.timeline.at(-1)?.note).toBe('resolved by local: subscribed');
  expect(counters(v.stack).subscriptionsBySim[iccid]).toBe(1);

  // Resolving it again is refused, naming its status.
  const again = await simctl(['order', 'resolve', orderId, '--outcome', 'retry'], { url: v.stack.url });
  expect(again.code).toBe(1);
  expect(again.stderr).toMatch(/409 ORDER_NOT_IN_REVIEW/);
}

/**
 * The test file of one variant: a stack of its own, the checks every variant passes, the variant's own cases
 * (given the running stack), and no 5xx at the end.
 */
export function describeVariant(
  variant: SimulatorVariant,
  own: Record<string, (v: VariantStack) => Promise<void>> = {},
): void {
  describe(`the whole workflow against the simulator variant ${variant}`, () => {
    let v: VariantStack;
    beforeAll(async () => {
      v = await startVariantStack(variant);
    });
    afterAll(() => v?.stack.stop());

    it(
      'activation then plan for every kind of SIM, a top-up, webhooks, every read route',
      () => checkWorkflow(v),
      120_000,
    );
    for (const [name, check] of Object.entries(own)) it(name, () => check(v), 60_000);
    it('answers no 5xx', () => checkNoServerErrors(v));
  });
}

/** test-mode: a plan refused on a SIM in TestMode is named so, with Transatel's words. */
export async function checkTestModeRefusal(v: VariantStack): Promise<void> {
  await v.simAdmin('PATCH', '/config', { testModePlans: 'refuse' });
  const iccid = iccidFor('available', 0); // activated by checkWorkflow: in TestMode now
  expect(v.stack.simulator?.core.state.getSim(iccid)?.status).toBe('TestMode');
  const { body } = await v.api('POST', `/v1/sims/${iccid}/plans`, { planId: PLAN });
  const [order] = await v.settle([body.orderId as string]);
  expect(order?.failure?.code).toBe('SIM_IN_TEST_MODE');
  expect(order?.failure?.detail).toMatch(/PRODUCT_NOT_ELIGIBLE: .*TestMode/);
}
