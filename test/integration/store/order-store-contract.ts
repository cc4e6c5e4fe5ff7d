import { describe, expect, it } from 'vitest';
import { type NewOrderInput, newOrder, type Order, type OrderChanges } from '../../../shared/store/order.js';
import {
  OrderAlreadyExistsError,
  type OrderStore,
  requireApplied,
  TransitionConflictError,
} from '../../../shared/store/order-store.js';

let iccidSequence = 0;
/** A distinct ICCID per call, so tests sharing one table never see each other's orders. */
export function nextIccid(): string {
  iccidSequence += 1;
  return `8933${String(Date.now()).slice(-8)}${String(iccidSequence).padStart(7, '0')}`;
}

export function anOrder(overrides: Partial<NewOrderInput> = {}): Order {
  return newOrder({ kind: 'activation', iccid: nextIccid(), planId: 'PLAN_FR_1GB', ...overrides });
}

/** The behaviour every OrderStore adapter must have; `store()` returns a ready store (tables created). */
export function describeOrderStoreContract(adapterName: string, store: () => OrderStore): void {
  describe(`${adapterName}: OrderStore contract`, () => {
    it('creates and reads back an order', async () => {
      const order = anOrder({
        options: [{ name: 'OFFER_901_IOT_CONNECT_CAP_PRICING', value: 'IOTC_REF_BUNDLES' }],
      });
      await store().create(order);
      expect(await store().get(order.orderId)).toEqual(order);
    });

    it('refuses to create an order twice', async () => {
      const order = anOrder();
      await store().create(order);
      await expect(store().create({ ...order, planId: 'OTHER' })).rejects.toBeInstanceOf(
        OrderAlreadyExistsError,
      );
      expect((await store().get(order.orderId))?.planId).toBe('PLAN_FR_1GB');
    });

    it('returns undefined for an unknown order', async () => {
      expect(await store().get(anOrder().orderId)).toBeUndefined();
    });

    it('applies a transition from the expected status and version', async () => {
      const order = anOrder();
      await store().create(order);
      const at = new Date(Date.parse(order.createdAt) + 1_000);

      const result = await store().transition(order.orderId, {
        from: 'RECEIVED',
        expectedVersion: 1,
        to: 'ACTIVATING',
        set: { transactionId: 'tx-apply' },
        increment: { activationCalls: 1 },
        note: 'activate accepted',
        at,
      });

      const updated = requireApplied(result);
      expect(updated).toMatchObject({
        status: 'ACTIVATING',
        transactionId: 'tx-apply',
        version: 2,
        updatedAt: at.toISOString(),
        createdAt: order.createdAt,
        attempts: { activationCalls: 1 },
      });
      expect(updated.timeline).toEqual([
        ...order.timeline,
        { status: 'ACTIVATING', at: at.toISOString(), note: 'activate accepted' },
      ]);
      expect(await store().get(order.orderId)).toEqual(updated);
    });

    it('accepts any of several `from` statuses', async () => {
      const order = anOrder();
      await store().create(order);
      const result = await store().transition(order.orderId, {
        from: ['RECEIVED', 'ACTIVATING', 'ACTIVE'],
        to: 'FAILED',
        set: { failure: { code: 'UNKNOWN_SIM', detail: 'No subscriber for this ICCID' } },
      });
      expect(requireApplied(result)).toMatchObject({ status: 'FAILED', failure: { code: 'UNKNOWN_SIM' } });
    });

    it('refuses a stale version and leaves the order untouched', async () => {
      const order = anOrder();
      await store().create(order);
      requireApplied(await store().transition(order.orderId, { from: 'RECEIVED', to: 'ACTIVATING' }));

      const result = await store().transition(order.orderId, {
        from: ['RECEIVED', 'ACTIVATING'],
        expectedVersion: 1,
        to: 'ACTIVE',
        set: { msisdn: '33612345678' },
      });

      expect(result.applied).toBe(false);
      if (result.applied) return;
      expect(result.conflict).toMatchObject({
        orderId: order.orderId,
        reason: 'version_mismatch',
        expected: { from: ['RECEIVED', 'ACTIVATING'], version: 1 },
        current: { status: 'ACTIVATING', version: 2 },
      });
      const stored = await store().get(order.orderId);
      expect(stored?.msisdn).toBeUndefined();
      expect(stored?.version).toBe(2);
    });

    it('refuses a transition from the wrong status', async () => {
      const order = anOrder();
      await store().create(order);
      const result = await store().transition(order.orderId, { from: 'ACTIVE', to: 'COMPLETED' });
      expect(result).toMatchObject({
        applied: false,
        conflict: { reason: 'status_mismatch', current: { status: 'RECEIVED', version: 1 } },
      });
      expect(() => requireApplied(result)).toThrow(TransitionConflictError);
    });

    it('reports a transition of a missing order as not_found', async () => {
      const { orderId } = anOrder();
      const result = await store().transition(orderId, { from: 'RECEIVED', to: 'ACTIVATING' });
      expect(result).toEqual({
        applied: false,
        conflict: { orderId, reason: 'not_found', expected: { from: ['RECEIVED'] } },
      });
      expect(await store().get(orderId)).toBeUndefined();
    });

    it('lets exactly one of many concurrent transitions win', async () => {
      const order = anOrder();
      await store().create(order);
      const contenders = [
        'ACTIVATING',
        'FAILED',
        'ACTIVE',
        'ACTIVATING',
        'FAILED',
        'ACTIVE',
        'ACTIVATING',
      ] as const;

      const results = await Promise.all(
        contenders.map((to, index) =>
          store().transition(order.orderId, {
            from: 'RECEIVED',
            expectedVersion: 1,
            to,
            note: `contender ${index}`,
          }),
        ),
      );

      const winners = results.filter((result) => result.applied);
      expect(winners).toHaveLength(1);
      const stored = await store().get(order.orderId);
      expect(stored?.version).toBe(2);
      expect(stored?.timeline).toHaveLength(2);
      for (const result of results) {
        if (!result.applied) expect(result.conflict.reason).toMatch(/status_mismatch|version_mismatch/);
      }
    });

    it('lets one of two concurrent claims win even without a version', async () => {
      const order = anOrder();
      await store().create(order);
      const results = await Promise.all([
        store().transition(order.orderId, { from: 'RECEIVED', to: 'ACTIVATING' }),
        store().transition(order.orderId, { from: 'RECEIVED', to: 'ACTIVATING' }),
      ]);
      expect(results.filter((result) => result.applied)).toHaveLength(1);
      expect((await store().get(order.orderId))?.version).toBe(2);
    });

    it('removes a field set to undefined and keeps the others', async () => {
      const order = anOrder({ reference: 'truck-42' });
      await store().create(order);
      requireApplied(
        await store().transition(order.orderId, {
          from: 'RECEIVED',
          to: 'RECEIVED',
          set: { failure: { code: 'TRANSIENT', detail: 'will retry' } },
          note: 'transient failure',
        }),
      );
      const cleared = requireApplied(
        await store().transition(order.orderId, {
          from: 'RECEIVED',
          to: 'RECEIVED',
          set: { failure: undefined },
        }),
      );
      expect(cleared.failure).toBeUndefined();
      expect(cleared.reference).toBe('truck-42');
      expect(await store().get(order.orderId)).toEqual(cleared);
    });

    it('records and releases a plan claim', async () => {
      const order = anOrder();
      await store().create(order);
      requireApplied(
        await store().transition(order.orderId, {
          from: 'RECEIVED',
          to: 'ACTIVE',
          set: { msisdn: '33612345678' },
        }),
      );
      const claimedAt = new Date();
      const claimed = requireApplied(
        await store().transition(order.orderId, {
          from: 'ACTIVE',
          to: 'ACTIVE',
          expectedVersion: 2,
          set: { planClaimedAt: claimedAt.toISOString() },
          increment: { subscriptionCalls: 1 },
        }),
      );
      expect(claimed).toMatchObject({
        planClaimedAt: claimedAt.toISOString(),
        attempts: { subscriptionCalls: 1 },
      });
      const completed = requireApplied(
        await store().transition(order.orderId, {
          from: 'ACTIVE',
          to: 'COMPLETED',
          set: { subscriptionId: 'sub-1', planClaimedAt: undefined },
        }),
      );
      expect(completed.planClaimedAt).toBeUndefined();
      expect(completed).toMatchObject({
        status: 'COMPLETED',
        subscriptionId: 'sub-1',
        msisdn: '33612345678',
      });
    });

    it('counts attempts and skips the timeline for a silent self-transition', async () => {
      const order = anOrder();
      await store().create(order);
      requireApplied(await store().transition(order.orderId, { from: 'RECEIVED', to: 'ACTIVATING' }));
      for (let poll = 0; poll < 3; poll += 1) {
        requireApplied(
          await store().transition(order.orderId, {
            from: 'ACTIVATING',
            to: 'ACTIVATING',
            increment: { statusPolls: 1 },
          }),
        );
      }
      const stored = await store().get(order.orderId);
      expect(stored?.attempts).toEqual({ statusPolls: 3 });
      expect(stored?.version).toBe(5);
      expect(stored?.timeline.map((entry) => entry.status)).toEqual(['RECEIVED', 'ACTIVATING']);
    });

    it('rejects changes to fields a transition may not set', async () => {
      const order = anOrder();
      await store().create(order);
      const iccidChange = { iccid: '8933000000000000000' } as unknown as OrderChanges;
      await expect(
        store().transition(order.orderId, { from: 'RECEIVED', to: 'ACTIVATING', set: iccidChange }),
      ).rejects.toThrow(/iccid/);
      await expect(
        store().transition(order.orderId, {
          from: 'RECEIVED',
          to: 'ACTIVATING',
          set: { attempts: {} },
          increment: { statusPolls: 1 },
        }),
      ).rejects.toThrow(/either set.attempts or increment/);
      expect((await store().get(order.orderId))?.version).toBe(1);
    });

    it('finds an order by Transatel transaction id', async () => {
      const order = anOrder();
      await store().create(order);
      const transactionId = `tx-${order.orderId}`;
      requireApplied(
        await store().transition(order.orderId, {
          from: 'RECEIVED',
          to: 'ACTIVATING',
          set: { transactionId },
        }),
      );
      expect(await store().findByTransactionId(transactionId)).toMatchObject({
        orderId: order.orderId,
        status: 'ACTIVATING',
      });
      expect(await store().findByTransactionId('tx-nobody-has')).toBeUndefined();
    });

    it('lists the open orders of a SIM, oldest first', async () => {
      const iccid = nextIccid();
      const base = Date.now();
      const [first, second, done, failed] = [0, 1, 2, 3].map((offset) =>
        newOrder({ kind: 'plan', iccid, planId: `P${offset}` }, new Date(base + offset * 1_000)),
      ) as [Order, Order, Order, Order];
      for (const order of [second, done, first, failed]) await store().create(order);
      await store().create(anOrder());
      requireApplied(await store().transition(done.orderId, { from: 'RECEIVED', to: 'COMPLETED' }));
      requireApplied(await store().transition(failed.orderId, { from: 'RECEIVED', to: 'FAILED' }));

      const open = await store().findActiveByIccid(iccid);
      expect(open.map((order) => order.orderId)).toEqual([first.orderId, second.orderId]);
      expect(await store().findActiveByIccid(nextIccid())).toEqual([]);
    });

    it('creates many orders at once', async () => {
      const iccid = nextIccid();
      const orders = Array.from({ length: 60 }, () => anOrder({ iccid }));
      await store().createMany(orders);
      const open = await store().findActiveByIccid(iccid);
      expect(new Set(open.map((order) => order.orderId))).toEqual(
        new Set(orders.map((order) => order.orderId)),
      );
    });

    it('refuses a bulk that repeats an order id', async () => {
      const order = anOrder();
      await expect(store().createMany([order, order])).rejects.toBeInstanceOf(OrderAlreadyExistsError);
      expect(await store().get(order.orderId)).toBeUndefined();
    });
  });
}
