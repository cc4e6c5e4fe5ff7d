import { describe, expect, it } from 'vitest';
import { type NewOrderInput, newOrder, type Order, type OrderChanges } from '#shared/store/order.js';
import { newOrderId } from '#shared/store/order-id.js';
import {
  OrderAlreadyExistsError,
  type OrderStore,
  requireApplied,
  SimHasOpenOrderError,
  TransitionConflictError,
} from '#shared/store/order-store.js';

let iccidSequence = 0;
/** A distinct ICCID per call, so tests sharing one table never see each other's orders. */
export function nextIccid(): string {
  iccidSequence += 1;
  return `8933${String(Date.now()).slice(-8)}${String(iccidSequence).padStart(7, '0')}`;
}

export function anOrder(overrides: Partial<NewOrderInput> = {}): Order {
  return newOrder({ kind: 'activation', iccid: nextIccid(), planId: 'PLAN_FR_1GB', ...overrides });
}

/** What a contract test needs beyond the port: a SIM's marker as stored, read raw or planted. */
export interface OrderStoreFixtures {
  /** Writes the marker as a lost release (or a lost rollback) would leave it. */
  plantSimMarker(iccid: string, openOrderId: string): Promise<void>;
  /** The order the marker names, stale or not; undefined when there is no marker. */
  simMarkerHolder(iccid: string): Promise<string | undefined>;
}

/** The behaviour every OrderStore adapter must have; `store()` returns a ready store (tables created). */
export function describeOrderStoreContract(
  adapterName: string,
  store: () => OrderStore,
  fixtures: OrderStoreFixtures,
): void {
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

    it('reads many orders at once, leaving unknown ones out', async () => {
      const [first, second] = [anOrder(), anOrder({ planId: 'PLAN_ES_5GB' })];
      await store().create(first);
      await store().create(second);
      const unknown = anOrder().orderId;
      const found = await store().getMany([first.orderId, unknown, second.orderId, first.orderId]);
      expect([...found.keys()].sort()).toEqual([first.orderId, second.orderId].sort());
      expect(found.get(second.orderId)).toEqual(second);
    });

    it("reads the orders many SIMs' markers name at once, a stale marker included, unmarked SIMs left out", async () => {
      const [open, done, unmarked, gone] = [anOrder(), anOrder(), anOrder(), anOrder()];
      await store().create(open);
      await store().create(done);
      requireApplied(await store().transition(done.orderId, { from: 'RECEIVED', to: 'COMPLETED' }));
      await fixtures.plantSimMarker(gone.iccid, gone.orderId);
      const marked = await store().markedOrderIds([
        open.iccid,
        done.iccid,
        unmarked.iccid,
        gone.iccid,
        open.iccid,
      ]);
      // A final order's marker is released; a lost release leaves the marker naming its order: stale.
      expect(marked).toEqual(
        new Map([
          [open.iccid, open.orderId],
          [gone.iccid, gone.orderId],
        ]),
      );
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
      for (const order of [done, failed]) {
        await store().create(order);
        requireApplied(
          await store().transition(order.orderId, {
            from: 'RECEIVED',
            to: order === done ? 'COMPLETED' : 'FAILED',
          }),
        );
      }
      await store().create(second);
      // Two open orders of one SIM: the second's marker claim was lost (or predates the marker).
      await fixtures.plantSimMarker(iccid, newOrderId());
      await store().create(first);
      await store().create(anOrder());

      const open = await store().findActiveByIccid(iccid);
      expect(open.map((order) => order.orderId)).toEqual([first.orderId, second.orderId]);
      expect(await store().findActiveByIccid(nextIccid())).toEqual([]);
    });

    it('lists every order of a SIM, final ones too, oldest first, with their timelines', async () => {
      const iccid = nextIccid();
      const base = Date.now();
      const [first, second, third] = [0, 1, 2].map((offset) =>
        newOrder(
          { kind: offset === 0 ? 'activation' : 'plan', iccid, planId: `P${offset}` },
          new Date(base + offset * 1_000),
        ),
      ) as [Order, Order, Order];
      await store().create(first);
      const completed = requireApplied(
        await store().transition(first.orderId, {
          from: 'RECEIVED',
          to: 'COMPLETED',
          note: 'plan subscribed',
          at: new Date(base + 500),
        }),
      );
      await store().create(second);
      const failed = requireApplied(
        await store().transition(second.orderId, {
          from: 'RECEIVED',
          to: 'FAILED',
          at: new Date(base + 1_500),
        }),
      );
      await store().create(third);
      await store().create(anOrder());

      const listed = await store().listByIccid(iccid);
      expect(listed).toEqual([completed, failed, third]);
      expect(listed[0]?.timeline.map((entry) => [entry.status, entry.note])).toEqual([
        ['RECEIVED', undefined],
        ['COMPLETED', 'plan subscribed'],
      ]);
      expect(await store().listByIccid(nextIccid())).toEqual([]);
    });

    it('creates many orders at once', async () => {
      const orders = Array.from({ length: 60 }, () => anOrder());
      expect(await store().createMany(orders)).toEqual([]);
      const stored = await Promise.all(orders.map((order) => store().get(order.orderId)));
      expect(stored).toEqual(orders);
      for (const order of orders.slice(0, 5)) {
        expect(await store().findOpenOrderId(order.iccid)).toBe(order.orderId);
      }
    });

    it('refuses a bulk that repeats an order id', async () => {
      const order = anOrder();
      await expect(store().createMany([order, order])).rejects.toBeInstanceOf(OrderAlreadyExistsError);
      expect(await store().get(order.orderId)).toBeUndefined();
    });

    describe('one open order per SIM', () => {
      it('lets exactly one of ten concurrent creates for a SIM win; the others name it and are gone', async () => {
        const iccid = nextIccid();
        const orders = Array.from({ length: 10 }, () => anOrder({ iccid }));

        const results = await Promise.allSettled(orders.map((order) => store().create(order)));

        const winners = orders.filter((_, index) => results[index]?.status === 'fulfilled');
        expect(winners).toHaveLength(1);
        const winner = winners[0] as Order;
        const refusals = results.flatMap((result) => (result.status === 'rejected' ? [result.reason] : []));
        expect(refusals).toHaveLength(9);
        for (const refusal of refusals) {
          expect(refusal).toBeInstanceOf(SimHasOpenOrderError);
          expect(refusal).toMatchObject({ iccid, openOrderId: winner.orderId });
        }
        for (const order of orders.filter((order) => order !== winner)) {
          expect(await store().get(order.orderId)).toBeUndefined();
        }
        expect((await store().findActiveByIccid(iccid)).map((order) => order.orderId)).toEqual([
          winner.orderId,
        ]);
        expect(await store().findOpenOrderId(iccid)).toBe(winner.orderId);
      });

      it('refuses an activation or a plan while the SIM has an order in any non-final status', async () => {
        const iccid = nextIccid();
        const open = anOrder({ iccid });
        await store().create(open);
        for (const to of ['RECEIVED', 'ACTIVATING', 'ACTIVE'] as const) {
          requireApplied(
            await store().transition(open.orderId, { from: ['RECEIVED', 'ACTIVATING', 'ACTIVE'], to }),
          );
          for (const kind of ['activation', 'plan'] as const) {
            const next = anOrder({ iccid, kind });
            await expect(store().create(next)).rejects.toMatchObject({
              name: 'SimHasOpenOrderError',
              iccid,
              openOrderId: open.orderId,
            });
            expect(await store().get(next.orderId)).toBeUndefined();
          }
        }
      });

      it.each(['COMPLETED', 'FAILED'] as const)('frees the SIM when its order becomes %s', async (status) => {
        const iccid = nextIccid();
        const first = anOrder({ iccid });
        await store().create(first);
        await expect(store().create(anOrder({ iccid }))).rejects.toBeInstanceOf(SimHasOpenOrderError);

        requireApplied(await store().transition(first.orderId, { from: 'RECEIVED', to: status }));
        expect(await store().findOpenOrderId(iccid)).toBeUndefined();
        expect(await fixtures.simMarkerHolder(iccid)).toBeUndefined();

        const next = anOrder({ iccid, kind: 'plan' });
        await store().create(next);
        expect(await store().findOpenOrderId(iccid)).toBe(next.orderId);
      });

      it('keeps the SIM through transitions that are not final, and a refused one', async () => {
        const iccid = nextIccid();
        const order = anOrder({ iccid });
        await store().create(order);
        requireApplied(await store().transition(order.orderId, { from: 'RECEIVED', to: 'ACTIVATING' }));
        const refused = await store().transition(order.orderId, { from: 'RECEIVED', to: 'FAILED' });
        expect(refused.applied).toBe(false);
        expect(await store().findOpenOrderId(iccid)).toBe(order.orderId);
        expect(await fixtures.simMarkerHolder(iccid)).toBe(order.orderId);
      });

      it('takes over a stale marker whose order is final (its release was lost)', async () => {
        const iccid = nextIccid();
        const done = anOrder({ iccid });
        await store().create(done);
        requireApplied(await store().transition(done.orderId, { from: 'RECEIVED', to: 'COMPLETED' }));
        await fixtures.plantSimMarker(iccid, done.orderId);

        const next = anOrder({ iccid });
        await store().create(next);

        expect(await store().findOpenOrderId(iccid)).toBe(next.orderId);
        await expect(store().create(anOrder({ iccid }))).rejects.toMatchObject({ openOrderId: next.orderId });
      });

      it('takes over a stale marker whose order does not exist', async () => {
        const iccid = nextIccid();
        await fixtures.plantSimMarker(iccid, newOrderId());
        expect(await store().findOpenOrderId(iccid)).toBeUndefined();

        const contenders = Array.from({ length: 5 }, () => anOrder({ iccid }));
        const results = await Promise.allSettled(contenders.map((order) => store().create(order)));

        const winner = contenders.find((_, index) => results[index]?.status === 'fulfilled');
        expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
        expect(await store().findOpenOrderId(iccid)).toBe(winner?.orderId);
      });

      it('never shows a marker as an order in the indexes', async () => {
        const iccid = nextIccid();
        const order = anOrder({ iccid });
        await store().create(order);
        const transactionId = `tx-marker-${order.orderId}`;
        requireApplied(
          await store().transition(order.orderId, {
            from: 'RECEIVED',
            to: 'ACTIVATING',
            set: { transactionId },
          }),
        );

        expect((await store().findActiveByIccid(iccid)).map((found) => found.orderId)).toEqual([
          order.orderId,
        ]);
        expect((await store().findByTransactionId(transactionId))?.orderId).toBe(order.orderId);
        expect(await store().findOpenOrderId(iccid)).toBe(order.orderId);
      });

      it('claims an existing order again (a replay), and refuses one whose SIM another order holds', async () => {
        const iccid = nextIccid();
        const order = anOrder({ iccid });
        await store().create(order);
        await store().claimSim(order);
        expect(await store().findOpenOrderId(iccid)).toBe(order.orderId);

        // An order written by a request that died before claiming: another order took the SIM since.
        await fixtures.plantSimMarker(iccid, newOrderId());
        const other = anOrder({ iccid });
        await store().create(other);
        await expect(store().claimSim(order)).rejects.toMatchObject({
          name: 'SimHasOpenOrderError',
          openOrderId: other.orderId,
        });
        expect(await store().get(order.orderId)).toEqual(order);

        requireApplied(await store().transition(other.orderId, { from: 'RECEIVED', to: 'FAILED' }));
        await store().claimSim(order);
        expect(await store().findOpenOrderId(iccid)).toBe(order.orderId);
      });

      it('createMany refuses only the SIMs with an open order, and removes those orders', async () => {
        const [busy, free, stale, twice] = [nextIccid(), nextIccid(), nextIccid(), nextIccid()];
        const holding = anOrder({ iccid: busy });
        await store().create(holding);
        await fixtures.plantSimMarker(stale, newOrderId());
        const orders = [busy, free, stale, twice, twice].map((iccid) => anOrder({ iccid }));

        const refused = await store().createMany(orders);

        const [forBusy, forFree, forStale, twiceA, twiceB] = orders as [Order, Order, Order, Order, Order];
        expect(refused).toHaveLength(2);
        expect(refused[0]).toEqual({ orderId: forBusy.orderId, iccid: busy, openOrderId: holding.orderId });
        // Two orders for one SIM in the same call: one of them holds it, the other is refused.
        const [twiceKept, twiceDropped] =
          refused[1]?.orderId === twiceA.orderId ? [twiceB, twiceA] : [twiceA, twiceB];
        expect(refused[1]).toEqual({
          orderId: twiceDropped.orderId,
          iccid: twice,
          openOrderId: twiceKept.orderId,
        });
        expect(await store().get(twiceDropped.orderId)).toBeUndefined();
        expect(await store().get(forBusy.orderId)).toBeUndefined();
        expect(await store().get(forFree.orderId)).toEqual(forFree);
        expect(await store().get(forStale.orderId)).toEqual(forStale);
        expect(await store().findOpenOrderId(busy)).toBe(holding.orderId);
        expect(await store().findOpenOrderId(free)).toBe(forFree.orderId);
        expect(await store().findOpenOrderId(stale)).toBe(forStale.orderId);
        expect(await store().findOpenOrderId(twice)).toBe(twiceKept.orderId);
      });
    });
  });
}
