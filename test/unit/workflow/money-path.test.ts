import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import { MemoryOrderStore } from '#shared/store/memory-order-store.js';
import { newOrder, type Order } from '#shared/store/order.js';
import type { Subscriber, Transaction, TransactionStatus } from '#shared/transatel/connectivity.js';
import {
  TransatelApiError,
  TransatelNetworkError,
  TransatelUnknownOutcomeError,
} from '#shared/transatel/errors.js';
import type { ProductSubscription } from '#shared/transatel/ocs-inventory.js';
import type { OcsOrderRequest, OcsOrderResult } from '#shared/transatel/ocs-subscriptions.js';
import { parseEvent } from '#shared/transatel/webhooks/events.js';
import { runActivationStep } from '#shared/workflow/activation-step.js';
import type { WorkflowDeps, WorkflowTransatel } from '#shared/workflow/deps.js';
import { applyEventToOrders } from '#shared/workflow/event-step.js';
import { failOrderOnLastAttempt } from '#shared/workflow/last-attempt.js';
import type { FleetNotification } from '#shared/workflow/notifications.js';
import { weighInventory } from '#shared/workflow/plan-evidence.js';
import { runPlanStep } from '#shared/workflow/plan-step.js';
import { resolveReview } from '#shared/workflow/review.js';
import { RecordingQueue } from '#test/support/recording-queue.js';

/**
 * The workflow against a scripted Transatel: each test says what Transatel answers, including the
 * answers the simulator's documented variant never gives, and checks what the order does and what was
 * bought. The clock is ours, so leases and deadlines pass without waiting.
 */

const ICCID = '8988247000000000005';
const MSISDN = '882470001850263';
const PLAN = 'IOTC_CAPPED_EU_1GB_1M';
const LEASE_SECONDS = 60;

/** What the scripted Transatel answers; each call is counted. */
interface Script {
  subscriber: () => Subscriber;
  activate: () => Promise<Transaction>;
  transaction: () => Promise<TransactionStatus>;
  order: (request: OcsOrderRequest) => Promise<OcsOrderResult>;
  inventory: () => ProductSubscription[];
}

const subscriber = (status: string, fields: Partial<Subscriber> = {}): Subscriber => ({
  iccid: ICCID,
  msisdn: status === 'Available' ? undefined : MSISDN,
  imsi: undefined,
  status,
  ratePlan: undefined,
  options: [],
  group: undefined,
  reference: undefined,
  activationDate: undefined,
  simType: undefined,
  ...fields,
});

const product = (fields: Partial<ProductSubscription>): ProductSubscription => ({
  subscriptionId: 'sub-1',
  productId: PLAN,
  status: 'active',
  category: undefined,
  tags: [],
  subscribedAt: undefined,
  activatedAt: undefined,
  expiresAt: undefined,
  transactionReference: undefined,
  balances: [],
  data: { totalBytes: 0, usedBytes: 0, remainingBytes: 0, unlimited: false },
  ...fields,
});

let store: MemoryOrderStore;
let queue: RecordingQueue;
let clock: Date;
let script: Script;
let calls: Record<'subscriber' | 'activate' | 'transaction' | 'order' | 'inventory', number>;
let published: FleetNotification[];
let deps: WorkflowDeps;

beforeEach(() => {
  store = new MemoryOrderStore();
  queue = new RecordingQueue();
  clock = new Date('2026-12-01T10:00:00Z');
  calls = { subscriber: 0, activate: 0, transaction: 0, order: 0, inventory: 0 };
  published = [];
  script = {
    subscriber: () => subscriber('Available'),
    activate: async () => ({ transactionId: 'txn-1', iccid: ICCID, state: 'PENDING' }),
    transaction: async () => ({
      transactionId: 'txn-1',
      iccid: ICCID,
      state: 'PENDING',
      type: undefined,
      createdAt: undefined,
      updatedAt: undefined,
      errorCode: undefined,
      errorMessage: undefined,
    }),
    order: async () => ({
      orderId: 'ord-1',
      subscriptionId: 'sub-1',
      status: 'done',
      transactionReference: undefined,
    }),
    inventory: () => [],
  };
  const transatel = {
    connectivity: {
      getSubscriber: async () => {
        calls.subscriber++;
        return script.subscriber();
      },
      activate: async () => {
        calls.activate++;
        return script.activate();
      },
      getTransaction: async () => {
        calls.transaction++;
        return script.transaction();
      },
    },
    ocsSubscriptions: {
      order: async (request: OcsOrderRequest) => {
        calls.order++;
        return script.order(request);
      },
    },
    ocsInventory: {
      listProducts: async () => {
        calls.inventory++;
        return script.inventory();
      },
    },
  } as unknown as WorkflowTransatel;
  deps = {
    store,
    queue,
    transatel,
    settings: {
      activationDeadlineSeconds: 3_600,
      firstPollDelaySeconds: 60,
      claimLeaseSeconds: LEASE_SECONDS,
    },
    now: () => clock,
    logger: { info: () => {}, warn: () => {} },
    notify: async (notification) => {
      published.push(notification);
    },
  };
});

const advance = (seconds: number) => {
  clock = new Date(clock.getTime() + seconds * 1000);
};

async function place(fields: Partial<Parameters<typeof newOrder>[0]> = {}): Promise<string> {
  const order = newOrder({ kind: 'activation', iccid: ICCID, planId: PLAN, ...fields }, clock);
  await store.create(order);
  return order.orderId;
}

async function orderOf(orderId: string): Promise<Order> {
  const order = await store.get(orderId);
  if (!order) throw new Error(`no order ${orderId}`);
  return order;
}

const apiError = (status: number, title: string, detail: string) =>
  new TransatelApiError({ operation: 'test', status, title, detail });
const lost = () => new TransatelUnknownOutcomeError({ operation: 'ocsSubscriptions.subscribe' });

/** An order that has reached its plan step on an Active SIM. */
async function activeOrder(): Promise<string> {
  script.subscriber = () => subscriber('Active');
  const orderId = await place();
  await runActivationStep(deps, orderId);
  queue.take();
  expect((await orderOf(orderId)).status).toBe('ACTIVE');
  return orderId;
}

/**
 * An order whose plan answer was lost, on a SIM whose inventory holds an undated product of the plan without
 * our reference: after the lease it is held for review.
 */
async function heldForReview(inventory: ProductSubscription[] = [product({})]): Promise<string> {
  const orderId = await activeOrder();
  script.order = async () => {
    throw lost();
  };
  script.inventory = () => inventory;
  await runPlanStep(deps, orderId);
  advance(LEASE_SECONDS + 1);
  await runPlanStep(deps, orderId);
  queue.take();
  expect((await orderOf(orderId)).status).toBe('NEEDS_REVIEW');
  return orderId;
}

describe('activation: a 2xx is an acceptance, a refusal is checked against the SIM', () => {
  it('an activate answer without transactionId (an empty 2xx) moves the order to ACTIVATING', async () => {
    script.activate = async () => ({ transactionId: undefined, iccid: undefined, state: 'PENDING' });
    const orderId = await place();
    await runActivationStep(deps, orderId);
    const order = await orderOf(orderId);
    expect(order.status).toBe('ACTIVATING');
    expect(order.transactionId).toBeUndefined();
    expect(queue.take()).toEqual([{ message: { orderId, step: 'await-activation' }, delaySeconds: 60 }]);
  });

  it('a 409 (a transaction already pending on the SIM) is an activation in progress', async () => {
    script.activate = async () => {
      throw apiError(409, 'TRANSACTION_IN_PROGRESS', 'Transaction is still pending');
    };
    const orderId = await place();
    await runActivationStep(deps, orderId);
    expect((await orderOf(orderId)).status).toBe('ACTIVATING');
  });

  it('a refusal while the SIM is still Available fails the order at once with Transatel title and detail', async () => {
    script.activate = async () => {
      throw apiError(
        400,
        'BAD_REQUEST',
        'Subscriber is not ready for activation: the SIM is not provisioned',
      );
    };
    const orderId = await place();
    await runActivationStep(deps, orderId);
    expect(await orderOf(orderId)).toMatchObject({
      status: 'FAILED',
      failure: {
        code: 'BAD_REQUEST',
        detail: 'Subscriber is not ready for activation: the SIM is not provisioned',
      },
    });
    expect(queue.take()).toEqual([]);
  });

  it('a refusal of a SIM that has moved on to Active routes it to its plan instead', async () => {
    let reads = 0;
    script.subscriber = () => (reads++ === 0 ? subscriber('Available') : subscriber('Active'));
    script.activate = async () => {
      throw apiError(400, 'BAD_REQUEST', 'Subscriber is not ready for activation (status: Active)');
    };
    const orderId = await place();
    await runActivationStep(deps, orderId);
    expect(await orderOf(orderId)).toMatchObject({
      status: 'ACTIVE',
      orderType: 'subscribe',
      msisdn: MSISDN,
    });
  });

  it('a SIM in TestMode takes its plan with subscribe', async () => {
    script.subscriber = () => subscriber('TestMode');
    const orderId = await place();
    await runActivationStep(deps, orderId);
    expect(await orderOf(orderId)).toMatchObject({ status: 'ACTIVE', orderType: 'subscribe' });
  });

  it('an order without a plan completes on a SIM without MSISDN', async () => {
    script.subscriber = () => subscriber('Active', { msisdn: undefined });
    const orderId = await place({ planId: undefined });
    await runActivationStep(deps, orderId);
    expect((await orderOf(orderId)).status).toBe('COMPLETED');
  });
});

describe('activation polling', () => {
  async function activating(): Promise<string> {
    const orderId = await place();
    await runActivationStep(deps, orderId);
    queue.take();
    return orderId;
  }

  it('a failing transactions endpoint falls back to the SIM status', async () => {
    const orderId = await activating();
    script.transaction = async () => {
      throw apiError(500, 'INTERNAL_ERROR', 'boom');
    };
    advance(60);
    await runPlanStep(deps, orderId); // still Available: another check later, no failure
    expect((await orderOf(orderId)).status).toBe('ACTIVATING');
    expect(queue.take()[0]?.message.step).toBe('await-activation');
    script.subscriber = () => subscriber('Active');
    await runPlanStep(deps, orderId);
    expect((await orderOf(orderId)).status).toBe('COMPLETED');
    expect(calls.order).toBe(1);
  });

  it('a SIM that goes TestMode instead of Active gets its plan', async () => {
    const orderId = await activating();
    script.subscriber = () => subscriber('TestMode');
    await runPlanStep(deps, orderId);
    expect((await orderOf(orderId)).status).toBe('COMPLETED');
  });

  it('a plan refused on a TestMode SIM fails with SIM_IN_TEST_MODE and Transatel detail', async () => {
    const orderId = await activating();
    script.subscriber = () => subscriber('TestMode');
    script.order = async () => {
      throw apiError(400, 'PRODUCT_NOT_ELIGIBLE', 'Subscriber is in TestMode');
    };
    await runPlanStep(deps, orderId);
    expect(await orderOf(orderId)).toMatchObject({
      status: 'FAILED',
      failure: { code: 'SIM_IN_TEST_MODE', detail: 'PRODUCT_NOT_ELIGIBLE: Subscriber is in TestMode' },
    });
  });

  it('an undocumented SIM status keeps the order waiting until its deadline, not failed', async () => {
    const orderId = await activating();
    script.subscriber = () => subscriber('Activation_Pending');
    await runPlanStep(deps, orderId);
    expect((await orderOf(orderId)).status).toBe('ACTIVATING');
    advance(3_601);
    await runPlanStep(deps, orderId);
    expect((await orderOf(orderId)).failure?.code).toBe('ACTIVATION_DEADLINE_PASSED');
  });

  it('an ACTIVATED event without MSISDN has the SIM read again now, and the plan is ordered', async () => {
    const orderId = await activating();
    const event = parseEvent({
      header: {
        eventId: 'e1',
        eventType: 'CONNECTIVITY-MANAGEMENT/SUBSCRIBER/ACTIVATED',
        eventDate: clock.toISOString(),
      },
      body: { simSerial: ICCID, status: 'Active' },
    });
    expect(await applyEventToOrders(deps, event)).toEqual([orderId]);
    expect((await orderOf(orderId)).status).toBe('ACTIVATING');
    expect(queue.take()).toEqual([{ message: { orderId, step: 'await-activation' }, delaySeconds: 0 }]);
    script.subscriber = () => subscriber('Active');
    await runPlanStep(deps, orderId);
    expect((await orderOf(orderId)).status).toBe('COMPLETED');
  });
});

describe('the plan is bought at most once', () => {
  it('a 2xx to the plan order without any id completes the order: it was bought', async () => {
    script.order = async () => ({
      orderId: undefined,
      subscriptionId: undefined,
      status: undefined,
      transactionReference: undefined,
    });
    const orderId = await activeOrder();
    await runPlanStep(deps, orderId);
    const order = await orderOf(orderId);
    expect(order.status).toBe('COMPLETED');
    expect(order.subscriptionId).toBeUndefined();
    expect(order.timeline.at(-1)?.note).toMatch(/named no subscription/);
    expect(calls.order).toBe(1);
  });

  it('a lost answer, then an inventory that proves the order absent: ordered again after the lease', async () => {
    const orderId = await activeOrder();
    script.order = async () => {
      throw lost();
    };
    await runPlanStep(deps, orderId);
    expect(queue.take()).toEqual([
      { message: { orderId, step: 'order-plan' }, delaySeconds: LEASE_SECONDS + 1 },
    ]);
    // Another product of another plan, with its reference: the tenant echoes references, ours is not there.
    script.inventory = () => [product({ productId: 'OTHER', transactionReference: 'someone-else' })];
    script.order = async () => ({
      orderId: 'o2',
      subscriptionId: 'sub-2',
      status: 'done',
      transactionReference: undefined,
    });
    advance(LEASE_SECONDS + 1);
    await runPlanStep(deps, orderId);
    expect(await orderOf(orderId)).toMatchObject({ status: 'COMPLETED', subscriptionId: 'sub-2' });
    expect(calls.order).toBe(2);
  });

  it('a lost answer and an inventory that cannot tell: NEEDS_REVIEW, announced, never ordered again', async () => {
    // The SIM has a product of this plan, with no reference and no date: ours, or an older one?
    const orderId = await heldForReview([product({ subscriptionId: 'sub-x' })]);
    const order = await orderOf(orderId);
    expect(order.failure?.code).toBe('PLAN_OUTCOME_UNKNOWN');
    expect(order.failure?.detail).toMatch(/sub-x/);
    expect(published).toEqual([
      expect.objectContaining({
        type: 'order.needs_review',
        orderIds: [orderId],
        iccid: ICCID,
        planId: PLAN,
      }),
    ]);
    // Redeliveries, however many, buy nothing.
    for (let i = 0; i < 5; i++) {
      advance(LEASE_SECONDS + 1);
      await runPlanStep(deps, orderId);
    }
    expect(calls.order).toBe(1);
    expect((await orderOf(orderId)).status).toBe('NEEDS_REVIEW');
  });

  it('a lost answer found in the inventory by reference completes without a second order', async () => {
    const orderId = await activeOrder();
    script.order = async () => {
      throw lost();
    };
    script.inventory = () => [product({ subscriptionId: 'sub-9', transactionReference: orderId })];
    await runPlanStep(deps, orderId);
    expect(await orderOf(orderId)).toMatchObject({ status: 'COMPLETED', subscriptionId: 'sub-9' });
    expect(calls.order).toBe(1);
  });

  it('the plan OCS event settles an order held for review', async () => {
    const orderId = await heldForReview();
    const event = parseEvent({
      header: { eventId: 'e2', eventType: 'OCS/PRODUCT/ACTIVATED', eventDate: clock.toISOString() },
      body: { iccid: ICCID, externalReference: orderId, productSubscription: { subscriptionId: 'sub-7' } },
    });
    expect(await applyEventToOrders(deps, event)).toEqual([orderId]);
    expect(await orderOf(orderId)).toMatchObject({ status: 'COMPLETED', subscriptionId: 'sub-7' });
  });

  it('giving up on a claimed plan order holds it for review instead of failing it', async () => {
    const orderId = await activeOrder();
    script.order = async () => {
      throw lost();
    };
    await runPlanStep(deps, orderId);
    script.inventory = () => {
      throw new TransatelNetworkError({ operation: 'ocsInventory.listProducts', timedOut: true });
    };
    advance(LEASE_SECONDS + 1);
    await expect(
      failOrderOnLastAttempt(
        deps,
        orderId,
        { attributes: { ApproximateReceiveCount: '5' } } as never,
        5,
        () => runPlanStep(deps, orderId),
      ),
    ).rejects.toThrow();
    expect(await orderOf(orderId)).toMatchObject({
      status: 'NEEDS_REVIEW',
      failure: { code: 'PROCESSING_FAILED' },
    });
    expect(calls.order).toBe(1);
  });
});

describe('resolving an order held for review', () => {
  it('subscribed: COMPLETED with the subscription found, audited with who did it', async () => {
    const orderId = await heldForReview();
    const result = await resolveReview(deps, orderId, {
      outcome: 'subscribed',
      subscriptionId: 'sub-found',
      by: 'arn:aws:iam::123456789012:user/ops',
    });
    expect(result.kind).toBe('resolved');
    const order = await orderOf(orderId);
    expect(order).toMatchObject({ status: 'COMPLETED', subscriptionId: 'sub-found' });
    expect(order.failure).toBeUndefined();
    expect(order.timeline.at(-1)?.note).toBe('resolved by arn:aws:iam::123456789012:user/ops: subscribed');
    // The evidence stays in the timeline.
    expect(
      order.timeline.some(
        (entry) => entry.status === 'NEEDS_REVIEW' && /PLAN_OUTCOME_UNKNOWN/.test(entry.note ?? ''),
      ),
    ).toBe(true);
    expect(calls.order).toBe(1);
  });

  it('retry: the plan is ordered again, once', async () => {
    const orderId = await heldForReview();
    script.order = async () => ({
      orderId: 'o3',
      subscriptionId: 'sub-3',
      status: 'done',
      transactionReference: undefined,
    });
    await resolveReview(deps, orderId, { outcome: 'retry', by: 'local' });
    expect((await orderOf(orderId)).status).toBe('ACTIVE');
    expect(queue.take()).toEqual([{ message: { orderId, step: 'order-plan' }, delaySeconds: 0 }]);
    await runPlanStep(deps, orderId);
    expect(await orderOf(orderId)).toMatchObject({ status: 'COMPLETED', subscriptionId: 'sub-3' });
    expect(calls.order).toBe(2);
  });

  it('abandon: FAILED with the evidence; a second resolution is refused', async () => {
    const orderId = await heldForReview();
    await resolveReview(deps, orderId, { outcome: 'abandon', note: 'customer cancelled', by: 'local' });
    const order = await orderOf(orderId);
    expect(order.status).toBe('FAILED');
    expect(order.failure?.code).toBe('ABANDONED_BY_OPERATOR');
    expect(order.failure?.detail).toMatch(/resolved by local: abandon \(customer cancelled\)/);
    const again = await resolveReview(deps, orderId, { outcome: 'retry', by: 'local' });
    expect(again.kind).toBe('not-in-review');
    expect(calls.order).toBe(1);
  });
});

describe('weighing the inventory (property)', () => {
  const order = newOrder({ kind: 'plan', iccid: ICCID, planId: PLAN }, new Date('2026-12-01T10:00:00Z'));
  const claimed = { ...order, planClaimedAt: '2026-12-01T10:00:00.000Z' };
  const arbitraryProduct = fc.record({
    subscriptionId: fc.option(fc.string({ minLength: 1, maxLength: 5 }), { nil: undefined }),
    productId: fc.option(fc.constantFrom(PLAN, 'OTHER'), { nil: undefined }),
    subscribedAt: fc.option(
      fc.constantFrom('2026-11-01T00:00:00.000Z', '2026-12-01T10:00:30.000Z', '2026-12-01T09:59:30.000Z'),
      { nil: undefined },
    ),
    transactionReference: fc.option(fc.constantFrom(order.orderId, 'other-ref'), { nil: undefined }),
  });

  it('never calls our order absent while a product that may be it is in the inventory', () => {
    fc.assert(
      fc.property(fc.array(arbitraryProduct, { maxLength: 6 }), (fields) => {
        const products = fields.map((f) => product(f));
        const evidence = weighInventory(claimed, products);
        const echoes = products.some((p) => p.transactionReference !== undefined);
        const mayBeOurs = products.some(
          (p) =>
            p.transactionReference === order.orderId ||
            (!echoes &&
              (p.productId === undefined || p.productId === PLAN) &&
              (p.subscribedAt === undefined ||
                Date.parse(p.subscribedAt) >= Date.parse(claimed.planClaimedAt) - 60_000)),
        );
        if (mayBeOurs) return evidence.kind !== 'absent';
        return evidence.kind === 'absent';
      }),
      { numRuns: 3_000 },
    );
  });
});
