import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  applyPolicies,
  OccurrenceInFlightError,
  type PolicyEngineDeps,
  SimBusyError,
} from '#shared/policies/engine.js';
import type { HistoryEntry } from '#shared/store/history.js';
import { MemoryIdempotencyStore } from '#shared/store/idempotency.js';
import { MemoryOrderStore } from '#shared/store/memory-order-store.js';
import type { Order } from '#shared/store/order.js';
import { requireApplied } from '#shared/store/order-store.js';
import type { Policy, PolicyDefinition } from '#shared/store/policy.js';
import { MemoryPolicyLedger } from '#shared/store/policy-ledger.js';
import { MemoryProcessedEventStore } from '#shared/store/processed-events.js';
import type { FleetNotification } from '#shared/workflow/notifications.js';
import { RecordingQueue } from '#test/support/recording-queue.js';

/**
 * The policy engine against in-memory stores: what a trigger occurrence orders, under duplicated, replayed,
 * reordered and concurrent deliveries, within the policy's limits.
 */

const ICCID = '8988247000000000005';
const OTHER = '8988247000000000013';
const PLAN = 'IOTC_CAPPED_EU_1GB_1M';

let orders: MemoryOrderStore;
let queue: RecordingQueue;
let ledger: MemoryPolicyLedger;
let history: HistoryEntry[];
let published: FleetNotification[];
let policies: Policy[];
let groups: Record<string, string | undefined>;
let prices: Record<string, { amountMinor: number; currency: string }>;
let deps: PolicyEngineDeps;
let clock: Date;
let eventSequence = 0;

beforeEach(() => {
  orders = new MemoryOrderStore();
  queue = new RecordingQueue();
  ledger = new MemoryPolicyLedger();
  history = [];
  published = [];
  policies = [];
  groups = { [ICCID]: 'G', [OTHER]: 'H' };
  prices = { [PLAN]: { amountMinor: 500, currency: 'EUR' } };
  clock = new Date('2026-12-02T10:00:00Z');
  deps = {
    policies: async () => policies,
    ledger,
    occurrences: new MemoryProcessedEventStore(),
    intake: { store: orders, idempotency: new MemoryIdempotencyStore(), queue, now: () => clock },
    history: { append: async (entries) => void history.push(...entries) },
    notify: async (notification) => void published.push(notification),
    simGroup: async (iccid) => groups[iccid],
    planPrice: async (planId) => prices[planId],
    now: () => clock,
    leaseMs: 30_000,
    logger: { info: () => {} },
  };
});

function policy(policyId: string, definition: Partial<PolicyDefinition> = {}): Policy {
  return {
    policyId,
    scope: { group: 'G' },
    trigger: { on: 'exhausted' },
    action: { planId: PLAN },
    limits: { maxPerSimPerMonth: 2 },
    enabled: true,
    createdAt: '2026-12-01T00:00:00.000Z',
    updatedAt: '2026-12-01T00:00:00.000Z',
    ...definition,
  };
}

/** Transatel's exhausted event, normalized, for a plan period (subscription + expiry). */
function exhausted(
  subscriptionId: string,
  expirationDate = '2027-01-01T00:00:00.000Z',
  iccid = ICCID,
): FleetNotification {
  eventSequence += 1;
  return {
    type: 'data.exhausted',
    occurredAt: clock.toISOString(),
    iccid,
    orderIds: [],
    subscriptionId,
    planId: PLAN,
    source: { eventId: `evt-${eventSequence}`, eventType: 'OCS/PRODUCT/RESOURCE/EXHAUSTED' },
    details: { expirationDate },
  };
}

async function policyOrders(): Promise<Order[]> {
  const found = await orders.findActiveByIccid(ICCID);
  return found.filter((order) => order.policyId !== undefined);
}

/** The SIM's open top-up completes, so that the next one may be ordered. */
async function completeOpenOrders(iccid = ICCID): Promise<void> {
  for (const order of await orders.findActiveByIccid(iccid))
    requireApplied(await orders.transition(order.orderId, { from: 'RECEIVED', to: 'COMPLETED' }));
}

describe('an exhausted plan tops the SIM up, once per occurrence', () => {
  it('orders the policy plan through the order workflow, with the policy and the trigger on the order', async () => {
    policies = [policy('auto')];
    const decisions = await applyPolicies(deps, exhausted('sub-1'));
    expect(decisions).toEqual([{ policyId: 'auto', kind: 'ordered', orderId: expect.any(String) }]);
    const [order] = await policyOrders();
    expect(order).toMatchObject({
      kind: 'plan',
      iccid: ICCID,
      planId: PLAN,
      policyId: 'auto',
      status: 'RECEIVED',
    });
    expect(order?.timeline[0]?.note).toBe('top-up by policy auto: data exhausted on subscription sub-1');
    expect(queue.take()).toEqual([
      { message: { orderId: order?.orderId, step: 'order-plan' }, delaySeconds: 0 },
    ]);
    expect(published.map((n) => n.type)).toEqual(['policy.topup_ordered']);
    expect(history.map((e) => [e.source, e.type, e.orderId])).toEqual([
      ['policy', 'policy.topup_ordered', order?.orderId],
    ]);
  });

  it('the same event delivered again, or replayed under another event id, orders nothing more', async () => {
    policies = [policy('auto')];
    await applyPolicies(deps, exhausted('sub-1'));
    await completeOpenOrders();
    const again = await applyPolicies(deps, exhausted('sub-1'));
    expect(again).toEqual([
      { policyId: 'auto', kind: 'skipped', why: 'this trigger occurrence was answered before' },
    ]);
    expect((await orders.findActiveByIccid(ICCID)).length).toBe(0);
    expect(history.map((e) => e.type)).toEqual(['policy.topup_ordered', 'policy.skipped']);
    expect(published.map((n) => n.type)).toEqual(['policy.topup_ordered']);
  });

  it('a second exhaustion (a new period) tops up again; a third hits the monthly limit and says so', async () => {
    policies = [policy('auto')];
    expect((await applyPolicies(deps, exhausted('sub-1', '2027-01-01T00:00:00.000Z')))[0]?.kind).toBe(
      'ordered',
    );
    await completeOpenOrders();
    expect((await applyPolicies(deps, exhausted('sub-2', '2027-01-02T00:00:00.000Z')))[0]?.kind).toBe(
      'ordered',
    );
    await completeOpenOrders();
    const third = await applyPolicies(deps, exhausted('sub-3', '2027-01-03T00:00:00.000Z'));
    expect(third).toEqual([
      { policyId: 'auto', kind: 'limit-reached', limit: 'maxPerSimPerMonth', detail: expect.any(String) },
    ]);
    expect(published.map((n) => n.type)).toEqual([
      'policy.topup_ordered',
      'policy.topup_ordered',
      'policy.limit_reached',
    ]);
    expect(published[2]).toMatchObject({
      iccid: ICCID,
      details: { policyId: 'auto', limit: 'maxPerSimPerMonth' },
    });
  });

  it('ten concurrent deliveries of one occurrence order one top-up', async () => {
    policies = [policy('auto')];
    const event = exhausted('sub-1');
    const settled = await Promise.allSettled(Array.from({ length: 10 }, () => applyPolicies(deps, event)));
    const ordered = settled
      .flatMap((s) => (s.status === 'fulfilled' ? s.value : []))
      .filter((d) => d.kind === 'ordered');
    expect(ordered).toHaveLength(1);
    for (const s of settled)
      if (s.status === 'rejected') expect(s.reason).toBeInstanceOf(OccurrenceInFlightError);
    expect(await policyOrders()).toHaveLength(1);
  });

  it('any interleaving of duplicated, replayed and reordered occurrences orders one top-up per occurrence, within the limit (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 12 }),
        fc.integer({ min: 1, max: 3 }),
        async (deliveries, max) => {
          orders = new MemoryOrderStore();
          ledger = new MemoryPolicyLedger();
          deps = {
            ...deps,
            ledger,
            occurrences: new MemoryProcessedEventStore(),
            intake: { ...deps.intake, store: orders, idempotency: new MemoryIdempotencyStore() },
          };
          policies = [policy('auto', { limits: { maxPerSimPerMonth: max } })];
          let ordered = 0;
          for (const period of deliveries) {
            const decisions = await applyPolicies(
              deps,
              exhausted(`sub-${period}`, `2027-01-0${period + 1}T00:00:00.000Z`),
            );
            ordered += decisions.filter((d) => d.kind === 'ordered').length;
            await completeOpenOrders();
          }
          const distinct = new Set(deliveries).size;
          expect(ordered).toBe(Math.min(distinct, max));
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('scope, limits and refusals', () => {
  it('only SIMs in scope: another group, a SIM not listed, a disabled policy order nothing', async () => {
    policies = [
      policy('g', { scope: { group: 'H' } }),
      policy('list', { scope: { iccids: [OTHER] } }),
      policy('off', { scope: { all: true }, enabled: false }),
    ];
    expect(await applyPolicies(deps, exhausted('sub-1'))).toEqual([]);
    expect(history).toEqual([]);
  });

  it('a SIM whose group Transatel does not give is skipped, and the history says why', async () => {
    groups[ICCID] = undefined;
    policies = [policy('auto')];
    expect(await applyPolicies(deps, exhausted('sub-1'))).toEqual([
      { policyId: 'auto', kind: 'skipped', why: 'Transatel does not say which group the SIM is in' },
    ]);
    expect(history[0]).toMatchObject({ type: 'policy.skipped', policyId: 'auto' });
  });

  it('keeps the monthly budget: the top-up that would overspend it is refused and published', async () => {
    policies = [
      policy('budget', {
        scope: { all: true },
        limits: { maxPerSimPerMonth: 5, monthlyBudget: { amountMinor: 1_000, currency: 'EUR' } },
      }),
    ];
    expect((await applyPolicies(deps, exhausted('sub-1', undefined, ICCID)))[0]?.kind).toBe('ordered');
    expect((await applyPolicies(deps, exhausted('sub-2', undefined, OTHER)))[0]?.kind).toBe('ordered');
    const third = await applyPolicies(deps, exhausted('sub-3', undefined, '8988247000000000021'));
    expect(third[0]).toMatchObject({ kind: 'limit-reached', limit: 'monthlyBudget' });
    expect(ledger.spent('budget', '2026-12')).toBe(1_000);
  });

  it('a plan priced in another currency than the budget is not bought', async () => {
    policies = [
      policy('usd', {
        scope: { all: true },
        limits: { maxPerSimPerMonth: 5, monthlyBudget: { amountMinor: 1_000, currency: 'USD' } },
      }),
    ];
    expect(await applyPolicies(deps, exhausted('sub-1'))).toEqual([
      { policyId: 'usd', kind: 'skipped', why: `plan ${PLAN} is priced in EUR, the budget in USD` },
    ]);
  });

  it('a SIM with an open order: the top-up waits (retried later), takes its limit once, then orders once', async () => {
    policies = [policy('auto', { limits: { maxPerSimPerMonth: 1 } })];
    const first = await applyPolicies(deps, exhausted('sub-1'));
    expect(first[0]?.kind).toBe('ordered');
    // A second occurrence while the first top-up is still open: the SIM is busy.
    const second = exhausted('sub-2', '2027-02-01T00:00:00.000Z');
    policies = [policy('auto', { limits: { maxPerSimPerMonth: 2 } })];
    await expect(applyPolicies(deps, second)).rejects.toBeInstanceOf(SimBusyError);
    await expect(applyPolicies(deps, second)).rejects.toBeInstanceOf(SimBusyError);
    await completeOpenOrders();
    expect((await applyPolicies(deps, second))[0]?.kind).toBe('ordered');
    // Its two failed tries took the limit once: a third occurrence is over the limit of 2.
    await completeOpenOrders();
    expect((await applyPolicies(deps, exhausted('sub-3', '2027-03-01T00:00:00.000Z')))[0]?.kind).toBe(
      'limit-reached',
    );
  });
});

describe('the notification a policy queue receives', () => {
  it('reads back every normalized event the events worker publishes (property)', async () => {
    const { fleetNotificationSchema, toNotification } = await import('#shared/workflow/notifications.js');
    const { parseEvent } = await import('#shared/transatel/webhooks/events.js');
    const eventTypes = ['OCS/PRODUCT/RESOURCE/EXHAUSTED', 'OCS/RESOURCE/THRESHOLD', 'OCS/PRODUCT/ACTIVATED'];
    fc.assert(
      fc.property(
        fc.constantFrom(...eventTypes),
        fc.option(fc.string({ minLength: 1, maxLength: 20 }), { nil: undefined }),
        fc.option(fc.constantFrom('2027-01-01T00:00:00Z', 12), { nil: undefined }),
        (eventType, subscriptionId, expirationDate) => {
          const event = parseEvent({
            header: { eventId: 'e', eventType, eventDate: '2026-12-02T10:00:00Z' },
            body: { iccid: ICCID, productSubscription: { subscriptionId, expirationDate } },
          });
          const notification = toNotification(event, []);
          const read = fleetNotificationSchema.safeParse(JSON.parse(JSON.stringify(notification)));
          expect(read.success).toBe(true);
        },
      ),
    );
  });
});
