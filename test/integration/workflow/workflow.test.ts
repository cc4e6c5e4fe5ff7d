import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { iccidFor, luhnCheckDigit, type RunningSimulator, startSimulator } from '#local/simulator/index.js';
import { MemoryOrderStore } from '#shared/store/memory-order-store.js';
import { newOrder, type Order } from '#shared/store/order.js';
import { createTransatelClient } from '#shared/transatel/client.js';
import { parseEvent } from '#shared/transatel/webhooks/events.js';
import { runActivationStep } from '#shared/workflow/activation-step.js';
import type { WorkflowDeps } from '#shared/workflow/deps.js';
import { applyEventToOrders } from '#shared/workflow/event-step.js';
import { runPlanStep } from '#shared/workflow/plan-step.js';
import { RecordingQueue } from '#test/support/recording-queue.js';

/**
 * The activation-then-plan steps against the simulator over HTTP, with an in-memory store and a queue
 * that records what would be sent. Each test drives the steps by hand, so every interleaving is explicit.
 */

const PLAN = 'IOTC_CAPPED_EU_1GB_1M';

let sim: RunningSimulator;
let store: MemoryOrderStore;
let queue: RecordingQueue;
let deps: WorkflowDeps;
let clock: Date;

beforeAll(async () => {
  // Activations take long enough that "still pending" holds on a busy machine; tests wait for Active, not a time.
  sim = await startSimulator({ port: 0, activationDelayMs: 1_000, lifecycleDelayMs: 20 });
});
afterAll(() => sim.close());

beforeEach(() => {
  sim.reset();
  store = new MemoryOrderStore();
  queue = new RecordingQueue();
  clock = new Date();
  deps = {
    store,
    queue,
    transatel: createTransatelClient({
      baseUrl: sim.url,
      mvnoRef: 'M2MA_WW_TSL_LOCAL',
      cos: 'WW_M2MA_COS_IOT_CONNECT',
      ratePlan: 'M2MA_WW_TSL_IOTCONNECT_CAPPED',
      credentials: async () => ({ clientId: 'local-client', clientSecret: 'local-secret' }),
      retry: { baseDelayMs: 1, maxDelayMs: 5 },
    }),
    settings: { activationDeadlineSeconds: 600, firstPollDelaySeconds: 5, claimLeaseSeconds: 60 },
    now: () => clock,
    logger: { info: () => {}, warn: () => {} },
  };
});

async function place(iccid: string, planId: string | null = PLAN, kind: Order['kind'] = 'activation') {
  const order = newOrder({ kind, iccid, ...(planId ? { planId } : {}) });
  await store.create(order);
  return order.orderId;
}

const statusOf = async (orderId: string) => (await store.get(orderId))?.status;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until Transatel shows the SIM Active (its activation has completed). */
async function untilActive(iccid: string): Promise<void> {
  while ((await deps.transatel.connectivity.getSubscriber(iccid)).status !== 'Active') await sleep(50);
}

describe('activation then plan', () => {
  it('activates an Available SIM, polls until Active, subscribes once: COMPLETED', async () => {
    const iccid = iccidFor('available', 0);
    const orderId = await place(iccid);
    await runActivationStep(deps, orderId);
    expect(await statusOf(orderId)).toBe('ACTIVATING');
    expect(queue.take()).toEqual([{ message: { orderId, step: 'await-activation' }, delaySeconds: 5 }]);

    await runPlanStep(deps, orderId); // still pending at Transatel: poll again later
    expect(await statusOf(orderId)).toBe('ACTIVATING');
    expect(queue.take()[0]?.message.step).toBe('await-activation');

    await untilActive(iccid);
    // The check that sees the SIM Active orders the plan in the same invocation: no message to itself.
    await runPlanStep(deps, orderId);
    expect(queue.take()).toEqual([]);
    const order = await store.get(orderId);
    expect(order).toMatchObject({ status: 'COMPLETED', orderType: 'subscribe' });
    expect(order?.subscriptionId).toBeTruthy();
    expect(order?.msisdn).toMatch(/^[0-9]+$/);
    expect(order?.timeline.map((entry) => entry.status)).toEqual([
      'RECEIVED',
      'ACTIVATING',
      'ACTIVE',
      'COMPLETED',
    ]);
    expect(sim.counters().subscriptionsBySim[iccid]).toBe(1);
  });

  it('a plan order refused right after the status check leaves the order ACTIVE; the redelivery orders it', async () => {
    const iccid = iccidFor('available', 6);
    const orderId = await place(iccid);
    await runActivationStep(deps, orderId);
    queue.take();
    await untilActive(iccid);
    const order = deps.transatel.ocsSubscriptions.order.bind(deps.transatel.ocsSubscriptions);
    let refusals = 1;
    deps.transatel.ocsSubscriptions.order = async (request) => {
      if (refusals-- > 0) throw new Error('connection refused before the order was sent');
      return order(request);
    };
    await expect(runPlanStep(deps, orderId)).rejects.toThrow(/connection refused/);
    const refused = await store.get(orderId);
    expect(refused?.status).toBe('ACTIVE');
    expect(refused?.planClaimedAt).toBeUndefined(); // the claim was released
    await runPlanStep(deps, orderId); // SQS redelivers the same message
    expect(await statusOf(orderId)).toBe('COMPLETED');
    expect(sim.counters().subscriptionsBySim[iccid]).toBe(1);
  });

  it('preloads the plan on a Pre-activated SIM without activating it', async () => {
    const iccid = iccidFor('preactivated', 2);
    const orderId = await place(iccid);
    await runActivationStep(deps, orderId);
    expect(await store.get(orderId)).toMatchObject({ status: 'ACTIVE', orderType: 'preload' });
    await runPlanStep(deps, orderId);
    expect(await statusOf(orderId)).toBe('COMPLETED');
    expect(sim.counters().activationsBySim[iccid]).toBeUndefined();
    expect(sim.counters().subscriptionsBySim[iccid]).toBe(1);
  });

  it('subscribes straight away on an Active SIM, and completes without a plan when none is asked', async () => {
    const withPlan = await place(iccidFor('active', 1));
    await runActivationStep(deps, withPlan);
    expect(await store.get(withPlan)).toMatchObject({ status: 'ACTIVE', orderType: 'subscribe' });
    const withoutPlan = await place(iccidFor('active', 3), null);
    await runActivationStep(deps, withoutPlan);
    expect(await statusOf(withoutPlan)).toBe('COMPLETED');
  });

  it("fails an unknown SIM with Transatel's error title", async () => {
    const orderId = await place('89882479999999999990');
    await runActivationStep(deps, orderId);
    expect(await store.get(orderId)).toMatchObject({
      status: 'FAILED',
      failure: { code: 'SUBSCRIBER_NOT_FOUND' },
    });
  });

  it('fails a Suspended SIM and a plan Transatel refuses', async () => {
    const suspended = await place(iccidFor('suspended', 0));
    await runActivationStep(deps, suspended);
    expect(await store.get(suspended)).toMatchObject({
      status: 'FAILED',
      failure: { code: 'SIM_NOT_ACTIVATABLE' },
    });
    const badPlan = await place(iccidFor('active', 5), 'NO_SUCH_PLAN');
    await runActivationStep(deps, badPlan);
    await runPlanStep(deps, badPlan);
    expect(await store.get(badPlan)).toMatchObject({
      status: 'FAILED',
      failure: { code: 'PRODUCT_NOT_FOUND' },
    });
  });

  it('fails the order when the activation deadline passes', async () => {
    const orderId = await place(iccidFor('available', 1));
    sim.core.config.activationDelayMs = 60_000;
    await runActivationStep(deps, orderId);
    clock = new Date(clock.getTime() + 601_000);
    await runPlanStep(deps, orderId);
    expect(await store.get(orderId)).toMatchObject({
      status: 'FAILED',
      failure: { code: 'ACTIVATION_DEADLINE_PASSED' },
    });
  });

  it('backs off between status checks, never beyond 15 minutes', async () => {
    const orderId = await place(iccidFor('available', 2));
    sim.core.config.activationDelayMs = 60_000;
    await runActivationStep(deps, orderId);
    queue.take();
    const delays: number[] = [];
    for (let i = 0; i < 6; i++) {
      clock = new Date(clock.getTime() + 400_000);
      deps.settings.activationDeadlineSeconds = 100_000;
      await runPlanStep(deps, orderId);
      delays.push(queue.take()[0]?.delaySeconds ?? -1);
    }
    expect(delays.every((delay, i) => i === 0 || delay >= (delays[i - 1] ?? 0))).toBe(true);
    expect(Math.max(...delays)).toBe(900);
  });
});

describe('bulk orders: activate first, look at the SIM only on a refusal', () => {
  async function placeBulk(iccid: string) {
    const order = newOrder({ kind: 'activation', iccid, planId: PLAN, activateFirst: true });
    await store.create(order);
    return order.orderId;
  }
  /** The activation requests and SIM lookups Transatel received. */
  const calls = () => {
    const byRoute = sim.counters().calls;
    return { activate: byRoute.activate ?? 0, lookups: byRoute.getSubscriber ?? 0 };
  };

  it('activates an Available SIM with one call, no lookup before it', async () => {
    const orderId = await placeBulk(iccidFor('available', 3));
    await runActivationStep(deps, orderId);
    expect(await statusOf(orderId)).toBe('ACTIVATING');
    expect(calls()).toEqual({ activate: 1, lookups: 0 });
    expect(queue.take()).toEqual([{ message: { orderId, step: 'await-activation' }, delaySeconds: 5 }]);
  });

  it('sends a Pre-activated SIM refused by Transatel to its preload, and an Active one to its plan', async () => {
    const preactivated = await placeBulk(iccidFor('preactivated', 0));
    const active = await placeBulk(iccidFor('active', 4));
    await runActivationStep(deps, preactivated);
    await runActivationStep(deps, active);
    expect(await store.get(preactivated)).toMatchObject({ status: 'ACTIVE', orderType: 'preload' });
    expect(await store.get(active)).toMatchObject({ status: 'ACTIVE', orderType: 'subscribe' });
    expect(calls()).toEqual({ activate: 2, lookups: 2 });
    expect(sim.counters().activationsBySim[iccidFor('preactivated', 0)]).toBeUndefined();
    expect(queue.take().map(({ message }) => message.step)).toEqual(['order-plan', 'order-plan']);
  });

  it("fails a Suspended SIM as not activatable, and an unknown one with Transatel's reason in one call", async () => {
    const suspended = await placeBulk(iccidFor('suspended', 0));
    await runActivationStep(deps, suspended);
    expect((await store.get(suspended))?.failure?.code).toBe('SIM_NOT_ACTIVATABLE');

    const payload = `898824799${'7'.padStart(9, '0')}`;
    const unknown = await placeBulk(payload + luhnCheckDigit(payload));
    const before = calls();
    await runActivationStep(deps, unknown);
    expect(await store.get(unknown)).toMatchObject({
      status: 'FAILED',
      failure: { code: 'SUBSCRIBER_NOT_FOUND' },
    });
    expect(calls()).toEqual({ activate: before.activate + 1, lookups: before.lookups });
  });
});

describe('a step lost between a transition and its message', () => {
  it('a redelivered activate step queues the step the order is waiting on', async () => {
    const activating = await place(iccidFor('available', 7));
    await runActivationStep(deps, activating);
    queue.take(); // as if SQS had refused the await-activation message
    await runActivationStep(deps, activating);
    expect(queue.take()).toEqual([
      { message: { orderId: activating, step: 'await-activation' }, delaySeconds: 5 },
    ]);
    expect(sim.counters().activationsBySim[iccidFor('available', 7)]).toBe(1);

    const active = await place(iccidFor('active', 17));
    await runActivationStep(deps, active);
    queue.take();
    await runActivationStep(deps, active);
    expect(queue.take()).toEqual([{ message: { orderId: active, step: 'order-plan' }, delaySeconds: 0 }]);
  });
});

describe('at most one plan per order', () => {
  it('two deliveries of the subscribe step at once order the plan once', async () => {
    const iccid = iccidFor('active', 7);
    const orderId = await place(iccid);
    await runActivationStep(deps, orderId);
    await Promise.all([runPlanStep(deps, orderId), runPlanStep(deps, orderId), runPlanStep(deps, orderId)]);
    await runPlanStep(deps, orderId);
    expect(await statusOf(orderId)).toBe('COMPLETED');
    expect(sim.counters().ocsOrders[iccid]).toBe(1);
  });

  it('a response lost after the commit is reconciled from the inventory, not ordered again', async () => {
    const iccid = iccidFor('active', 9);
    const orderId = await place(iccid);
    await runActivationStep(deps, orderId);
    sim.setFaults({ routes: { ocsOrder: { loseResponseRate: 1 } } });
    await runPlanStep(deps, orderId);
    sim.setFaults({});
    const order = await store.get(orderId);
    expect(order).toMatchObject({ status: 'COMPLETED' });
    expect(order?.timeline.at(-1)?.note).toMatch(/reconciled/);
    expect(sim.counters().ocsOrders[iccid]).toBe(1);
  });

  it('a claim left by a crashed worker is honoured during its lease, then reconciled', async () => {
    const iccid = iccidFor('active', 13);
    const orderId = await place(iccid);
    await runActivationStep(deps, orderId);
    const active = await store.get(orderId);
    // A worker claimed the order, then died before calling Transatel.
    await store.transition(orderId, {
      from: 'ACTIVE',
      to: 'ACTIVE',
      expectedVersion: active?.version,
      set: { planClaimedAt: clock.toISOString() },
    });
    queue.take();
    const inventoryLooks = () => sim.counters().calls.inventoryList ?? 0;
    const looksBefore = inventoryLooks();
    await runPlanStep(deps, orderId);
    expect(await statusOf(orderId)).toBe('ACTIVE');
    expect(queue.take()[0]?.delaySeconds).toBe(61);
    // During the lease the holder may still be waiting for Transatel: nothing is asked of Transatel yet.
    expect(inventoryLooks()).toBe(looksBefore);
    clock = new Date(clock.getTime() + 61_000);
    await runPlanStep(deps, orderId);
    expect(await statusOf(orderId)).toBe('COMPLETED');
    expect(sim.counters().ocsOrders[iccid]).toBe(1);
  });

  it('the OCS ACTIVATED event settles an order whose answer was lost', async () => {
    const iccid = iccidFor('active', 15);
    const orderId = await place(iccid);
    await runActivationStep(deps, orderId);
    const active = await store.get(orderId);
    await store.transition(orderId, {
      from: 'ACTIVE',
      to: 'ACTIVE',
      set: { planClaimedAt: clock.toISOString() },
    });
    const event = parseEvent({
      header: { eventId: 'e1', eventType: 'OCS/PRODUCT/ACTIVATED', eventDate: clock.toISOString() },
      body: {
        msisdn: active?.msisdn,
        iccid,
        externalReference: orderId,
        productSubscription: { subscriptionId: 'sub-9' },
      },
    });
    expect(await applyEventToOrders(deps, event)).toEqual([orderId]);
    expect(await store.get(orderId)).toMatchObject({ status: 'COMPLETED', subscriptionId: 'sub-9' });
    expect(await applyEventToOrders(deps, event)).toEqual([]); // a duplicate changes nothing
  });
});

describe('webhook path', () => {
  it('the ACTIVATED event moves the order on; duplicates and a late poll change nothing', async () => {
    const iccid = iccidFor('available', 5);
    const orderId = await place(iccid);
    await runActivationStep(deps, orderId);
    const { transactionId } = (await store.get(orderId)) as Order;
    queue.take();
    const event = parseEvent({
      header: {
        eventId: 'e2',
        eventType: 'CONNECTIVITY-MANAGEMENT/SUBSCRIBER/ACTIVATED',
        eventDate: clock.toISOString(),
      },
      body: { simSerial: iccid, transactionId, msisdn: '882470000000001', status: 'Active' },
    });
    expect(await applyEventToOrders(deps, event)).toEqual([orderId]);
    expect(await store.get(orderId)).toMatchObject({ status: 'ACTIVE', msisdn: '882470000000001' });
    expect(queue.take()).toEqual([{ message: { orderId, step: 'order-plan' }, delaySeconds: 0 }]);
    await applyEventToOrders(deps, event);
    expect(queue.take()).toEqual([]);
  });

  it('an ACTIVATED event that overtakes the record of the request moves the RECEIVED order on', async () => {
    const iccid = iccidFor('available', 7);
    const orderId = await place(iccid);
    const activated = (eventDate: Date) =>
      parseEvent({
        header: {
          eventId: `e-${eventDate.getTime()}`,
          eventType: 'CONNECTIVITY-MANAGEMENT/SUBSCRIBER/ACTIVATED',
          eventDate: eventDate.toISOString(),
        },
        body: {
          simSerial: iccid,
          transactionId: 'txn-not-recorded-yet',
          msisdn: '882470000000007',
          status: 'Active',
        },
      });
    // An event from before the order (an earlier activation of the SIM, retried by Transatel) is not about it.
    expect(await applyEventToOrders(deps, activated(new Date(clock.getTime() - 3_600_000)))).toEqual([]);
    expect(await statusOf(orderId)).toBe('RECEIVED');
    expect(await applyEventToOrders(deps, activated(clock))).toEqual([orderId]);
    expect(await store.get(orderId)).toMatchObject({ status: 'ACTIVE', msisdn: '882470000000007' });
    expect(queue.take()).toEqual([{ message: { orderId, step: 'order-plan' }, delaySeconds: 0 }]);
  });

  it('a plan order for an Available SIM fails; for an Active SIM it subscribes', async () => {
    const refused = await place(iccidFor('available', 6), PLAN, 'plan');
    await runPlanStep(deps, refused);
    expect(await store.get(refused)).toMatchObject({ status: 'FAILED', failure: { code: 'SIM_NOT_ACTIVE' } });
    const topUp = await place(iccidFor('active', 0), PLAN, 'plan');
    await runPlanStep(deps, topUp);
    await runPlanStep(deps, topUp);
    expect(await statusOf(topUp)).toBe('COMPLETED');
  });
});
