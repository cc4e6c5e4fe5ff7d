import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import { MemoryOrderStore } from '#shared/store/memory-order-store.js';
import { newOrder, type Order } from '#shared/store/order.js';
import { MemoryWebhookTimingStore } from '#shared/store/webhook-timing.js';
import type { Subscriber } from '#shared/transatel/connectivity.js';
import { runActivationStep } from '#shared/workflow/activation-step.js';
import { type ActivationWatch, newActivationWatch } from '#shared/workflow/activation-watch.js';
import {
  checkBackoffSeconds,
  type WorkflowDeps,
  type WorkflowSettings,
  type WorkflowTransatel,
} from '#shared/workflow/deps.js';
import { ACTIVATED_EVENT_NOTE } from '#shared/workflow/event-step.js';
import { markSimReady } from '#shared/workflow/order-moves.js';
import { runPlanStep } from '#shared/workflow/plan-step.js';
import { WebhookTimingShare } from '#shared/workflow/webhook-timing-share.js';
import { RecordingQueue } from '#test/support/recording-queue.js';

const settings: WorkflowSettings = {
  activationDeadlineSeconds: 600,
  firstPollDelaySeconds: 5,
  claimLeaseSeconds: 60,
};
const backoff = (age: number) => checkBackoffSeconds(settings, age);
const T0 = new Date('2026-12-01T10:00:00Z');
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);

describe('ActivationWatch', () => {
  let watch: ActivationWatch;
  beforeEach(() => {
    watch = newActivationWatch(backoff);
  });

  it('knowing nothing, checks on the stage schedule', () => {
    expect(watch.timing(5, at(5))).toEqual({ kind: 'check' });
    expect(watch.expectedWebhookSeconds()).toBeUndefined();
  });

  it('trusts webhook arrival times from 20 on, expecting the webhook by 1.25× their 95th percentile', () => {
    for (let i = 0; i < 19; i++) watch.webhookArrived(8);
    expect(watch.timing(3, at(3))).toEqual({ kind: 'check' });
    watch.webhookArrived(8);
    expect(watch.expectedWebhookSeconds()).toBe(10);
    expect(watch.timing(3, at(3))).toMatchObject({ kind: 'wait', seconds: 7 });
    expect(watch.timing(10.5, at(10.5))).toEqual({ kind: 'check' });
  });

  it('remembers the last 200 arrivals: webhooks that got faster lower the wait', () => {
    for (let i = 0; i < 200; i++) watch.webhookArrived(40);
    expect(watch.expectedWebhookSeconds()).toBe(50);
    for (let i = 0; i < 200; i++) watch.webhookArrived(2);
    expect(watch.expectedWebhookSeconds()).toBe(2.5);
  });

  it('ignores arrival times that cannot be (negative, not a number)', () => {
    for (let i = 0; i < 30; i++) watch.webhookArrived(Number.NaN);
    for (let i = 0; i < 30; i++) watch.webhookArrived(-1);
    expect(watch.expectedWebhookSeconds()).toBeUndefined();
  });

  it('holds younger SIMs back while an older one is being checked, and lets them go if it was Active', () => {
    watch.checking(5, at(5));
    expect(watch.timing(4, at(5))).toMatchObject({ kind: 'wait', seconds: 6 }); // the probe's next check: age 10
    expect(watch.timing(6.4, at(5))).toMatchObject({ kind: 'wait' }); // within the tolerance
    expect(watch.timing(7, at(5))).toEqual({ kind: 'check' });
    watch.checked(5);
    expect(watch.timing(4, at(5))).toEqual({ kind: 'check' });
  });

  it('a SIM still activating holds younger ones back until its next check is due, then no longer', () => {
    watch.checking(5, at(5));
    watch.stillActivating(5, at(5));
    watch.checked(5); // no longer in flight: the finding stays
    expect(watch.timing(4, at(6))).toMatchObject({
      kind: 'wait',
      reason: expect.stringMatching(/still activating/),
    });
    // Its next check is due 5 s later; 5 s of slack after that, the finding is stale.
    expect(watch.timing(4, at(5 + 5 + 5 + 1))).toEqual({ kind: 'check' });
  });

  it('keeps the oldest finding: a younger SIM still activating does not replace it', () => {
    watch.stillActivating(20, at(20));
    watch.stillActivating(6, at(21));
    expect(watch.timing(18, at(21))).toMatchObject({ kind: 'wait', seconds: 12 }); // probe's next check: age 30
  });

  it('every answer is a check or a positive, finite wait (property)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.record({
              kind: fc.constant('arrived' as const),
              age: fc.double({ min: -5, max: 2_000, noNaN: true }),
            }),
            fc.record({
              kind: fc.constant('checking' as const),
              age: fc.double({ min: 0, max: 2_000, noNaN: true }),
            }),
            fc.record({
              kind: fc.constant('still' as const),
              age: fc.double({ min: 0, max: 2_000, noNaN: true }),
            }),
            fc.record({
              kind: fc.constant('checked' as const),
              age: fc.double({ min: 0, max: 2_000, noNaN: true }),
            }),
          ),
          { maxLength: 60 },
        ),
        fc.double({ min: 0, max: 3_600, noNaN: true }),
        (steps, age) => {
          const w = newActivationWatch(backoff);
          steps.forEach((step, i) => {
            if (step.kind === 'arrived') w.webhookArrived(step.age);
            else if (step.kind === 'checking') w.checking(step.age, at(i));
            else if (step.kind === 'still') w.stillActivating(step.age, at(i));
            else w.checked(step.age);
          });
          const timing = w.timing(age, at(steps.length));
          if (timing.kind === 'wait') {
            expect(Number.isFinite(timing.seconds)).toBe(true);
            expect(timing.seconds).toBeGreaterThan(0);
          }
        },
      ),
    );
  });
});

/**
 * The plan worker's status checks over a cohort of SIMs activated together, against a scripted Transatel, on
 * our clock: a queue of delayed messages is run in order of their due time.
 */
describe('status checks timed by the watch', () => {
  const ICCID_BASE = 8988247000000000000n;
  let store: MemoryOrderStore;
  let queue: RecordingQueue;
  let clock: Date;
  let subscriberCalls: number;
  let activationSeconds: number;
  let ids: string[];

  function depsWith(watch: ActivationWatch | undefined): WorkflowDeps {
    const transatel = {
      connectivity: {
        getSubscriber: async (iccid: string): Promise<Subscriber> => {
          subscriberCalls++;
          const [order] = await store.listByIccid(iccid);
          const since = order ? Date.parse(order.timeline[1]?.at ?? '') : Number.NaN;
          const active = clock.getTime() - since >= activationSeconds * 1000;
          return {
            iccid,
            msisdn: active ? '882470001850263' : undefined,
            imsi: undefined,
            status: active ? 'Active' : 'Available',
            ratePlan: undefined,
            options: [],
            group: undefined,
            reference: undefined,
            activationDate: undefined,
            simType: undefined,
          };
        },
        getTransaction: async () => {
          throw new Error('not scripted');
        },
      },
      ocsSubscriptions: {
        order: async () => ({
          orderId: 'o',
          subscriptionId: 's',
          status: 'done',
          transactionReference: undefined,
        }),
      },
      ocsInventory: { listProducts: async () => [] },
    } as unknown as WorkflowTransatel;
    return {
      store,
      queue,
      transatel,
      settings,
      now: () => clock,
      logger: { info: () => {}, warn: () => {} },
      ...(watch ? { activationWatch: watch } : {}),
    };
  }

  beforeEach(() => {
    store = new MemoryOrderStore();
    queue = new RecordingQueue();
    clock = T0;
    subscriberCalls = 0;
    ids = [];
  });

  /** `count` orders ACTIVATING from T0, each with its first check due after the stage's first delay. */
  async function cohort(count: number): Promise<{ due: number; orderId: string }[]> {
    const pending: { due: number; orderId: string }[] = [];
    for (let i = 0; i < count; i++) {
      const order = newOrder(
        { kind: 'activation', iccid: String(ICCID_BASE + BigInt(i)), planId: 'IOTC_CAPPED_EU_1GB_1M' },
        clock,
      );
      await store.create(order);
      ids.push(order.orderId);
      await store.transition(order.orderId, { from: ['RECEIVED'], to: 'ACTIVATING', at: clock });
      pending.push({ due: T0.getTime() + settings.firstPollDelaySeconds * 1000, orderId: order.orderId });
    }
    return pending;
  }

  /** Runs the plan step of each due message in time order until every order is settled. */
  async function drain(deps: WorkflowDeps, pending: { due: number; orderId: string }[]) {
    while (pending.length > 0) {
      pending.sort((a, b) => a.due - b.due);
      const next = pending.shift();
      if (!next) break;
      if (next.due > clock.getTime()) clock = new Date(next.due);
      await runPlanStep(deps, next.orderId);
      for (const { message, delaySeconds } of queue.take())
        pending.push({ due: clock.getTime() + delaySeconds * 1000, orderId: message.orderId });
    }
  }

  const orders = async () => (await Promise.all(ids.map((id) => store.get(id)))) as Order[];
  const statuses = async () => (await orders()).map((order) => order.status);

  it('100 SIMs activating for 30 s: one probe per wave, not one check per SIM', async () => {
    activationSeconds = 30;
    await drain(depsWith(newActivationWatch(backoff)), await cohort(100));
    expect((await statuses()).every((status) => status === 'COMPLETED')).toBe(true);
    const watched = subscriberCalls;

    store = new MemoryOrderStore();
    subscriberCalls = 0;
    ids = [];
    clock = T0;
    await drain(depsWith(undefined), await cohort(100));
    expect((await statuses()).every((status) => status === 'COMPLETED')).toBe(true);
    // Without the watch every SIM is checked at 5, 10, 15, 22.5 and 33.75 s.
    expect(subscriberCalls).toBe(500);
    // This script sends no webhook: each SIM takes one check that finds it Active, plus a few probes in all.
    expect(watched).toBeLessThanOrEqual(110);
  });

  it('a SIM whose webhook is lost is still found by a check once the webhook is late', async () => {
    activationSeconds = 0;
    const watch = newActivationWatch(backoff);
    for (let i = 0; i < 20; i++) watch.webhookArrived(12);
    await drain(depsWith(watch), await cohort(1));
    expect(await statuses()).toEqual(['COMPLETED']);
    expect(subscriberCalls).toBe(1);
    expect(clock.getTime() - T0.getTime()).toBe(15_000);
  });

  it('deferred checks never pass the activation deadline', async () => {
    activationSeconds = Number.POSITIVE_INFINITY;
    const watch = newActivationWatch(backoff);
    for (let i = 0; i < 20; i++) watch.webhookArrived(10_000);
    await drain(depsWith(watch), await cohort(3));
    expect(await statuses()).toEqual(['FAILED', 'FAILED', 'FAILED']);
    const failure = (await orders())[0]?.failure;
    expect(failure?.code).toBe('ACTIVATION_DEADLINE_PASSED');
    expect(clock.getTime() - T0.getTime()).toBeLessThanOrEqual(
      (settings.activationDeadlineSeconds + 1) * 1000,
    );
  });

  it('learns from orders the ACTIVATED webhook made ACTIVE, when their plan is ordered', async () => {
    activationSeconds = 0;
    const watch = newActivationWatch(backoff);
    const deps = depsWith(watch);
    const pending = await cohort(20);
    clock = at(4);
    for (const { orderId } of pending) {
      const order = await store.get(orderId);
      if (!order) throw new Error('missing');
      await markSimReady(
        deps,
        order,
        { msisdn: '882470001850263', orderType: 'subscribe' },
        ACTIVATED_EVENT_NOTE,
      );
      await runPlanStep(deps, orderId);
    }
    expect((await statuses()).every((status) => status === 'COMPLETED')).toBe(true);
    expect(watch.expectedWebhookSeconds()).toBe(5);
  });
});

describe('WebhookTimingShare', () => {
  const warnings: string[] = [];
  const warn = (message: string) => {
    warnings.push(message);
  };

  it('writes and reads at most every 5 s, and ignores an estimate over an hour old', async () => {
    const store = new MemoryWebhookTimingStore();
    const writer = new WebhookTimingShare(store, warn);
    const reader = new WebhookTimingShare(store, warn);
    expect(await reader.expectedSeconds(at(0))).toBeUndefined();
    await writer.publish(12, at(0));
    await writer.publish(14, at(4)); // too soon: not written
    expect(store.writes).toBe(1);
    expect(await reader.expectedSeconds(at(4))).toBeUndefined(); // read at 0 s is still cached
    expect(await reader.expectedSeconds(at(5))).toBe(12);
    await writer.publish(20, at(6));
    expect(await reader.expectedSeconds(at(8))).toBe(12);
    expect(await reader.expectedSeconds(at(10))).toBe(20);
    expect(store.reads).toBe(3);
    expect(await reader.expectedSeconds(at(6 + 3_601))).toBeUndefined();
  });

  it('a store that fails leaves the stage schedule, with a warning, and fails no step', async () => {
    const failing = {
      read: async () => {
        throw new Error('throttled');
      },
      write: async () => {
        throw new Error('throttled');
      },
    };
    const share = new WebhookTimingShare(failing, warn);
    await share.publish(10, at(0));
    expect(await share.expectedSeconds(at(0))).toBeUndefined();
    expect(warnings).toEqual(['webhook timing not shared', 'webhook timing not read']);
  });

  it('the activation step schedules the first check when plan workers expect the webhook', async () => {
    const store = new MemoryWebhookTimingStore();
    store.timing = { expectedSeconds: 42, at: T0 };
    const orders = new MemoryOrderStore();
    const queue = new RecordingQueue();
    const order = newOrder(
      { kind: 'activation', iccid: '8988247000000000001', planId: 'P', activateFirst: true },
      T0,
    );
    await orders.create(order);
    const deps = {
      store: orders,
      queue,
      transatel: {
        connectivity: {
          activate: async () => ({ transactionId: 't', iccid: order.iccid, state: 'PENDING' }),
        },
      } as unknown as Pick<WorkflowTransatel, 'connectivity'>,
      settings,
      now: () => at(1),
      logger: { info: () => {}, warn: () => {} },
      webhookTiming: new WebhookTimingShare(store, warn),
    };
    await runActivationStep(deps, order.orderId);
    expect(queue.take()).toEqual([
      { message: { orderId: order.orderId, step: 'await-activation' }, delaySeconds: 42 },
    ]);
  });
});
