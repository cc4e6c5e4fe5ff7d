import { describe, expect, it } from 'vitest';
import { MemoryOrderStore } from '#shared/store/memory-order-store.js';
import { newOrder, type Order } from '#shared/store/order.js';
import { requireApplied } from '#shared/store/order-store.js';
import {
  PrefetchedOrders,
  PrefetchingOrderStore,
  readingPrefetched,
} from '#shared/store/prefetched-orders.js';

const anOrder = (iccid: string): Order => newOrder({ kind: 'activation', iccid, planId: 'PLAN_FR_1GB' });

/** A memory store that counts its reads. */
async function storeWith(...orders: Order[]) {
  const store = new MemoryOrderStore();
  for (const order of orders) await store.create(order);
  const reads: string[] = [];
  const get = store.get.bind(store);
  store.get = (orderId) => {
    reads.push(orderId);
    return get(orderId);
  };
  return { store, reads };
}

describe('PrefetchingOrderStore', () => {
  it('serves the first read of a prefetched order from the batch, every later one from the table', async () => {
    const order = anOrder('89330000000000000011');
    const { store, reads } = await storeWith(order);
    const prefetched = await PrefetchedOrders.read(store, [order.orderId]);
    // Two records of one batch, each with its own view of the store.
    const first = new PrefetchingOrderStore(store, prefetched);
    const second = new PrefetchingOrderStore(store, prefetched);

    expect(await first.get(order.orderId)).toEqual(order);
    expect(reads).toEqual([]);
    requireApplied(await store.transition(order.orderId, { from: 'RECEIVED', to: 'ACTIVATING' }));
    expect((await second.get(order.orderId))?.status).toBe('ACTIVATING');
    expect(reads).toEqual([order.orderId]);
  });

  it('reads the table after a move of the order, and for orders it did not prefetch', async () => {
    const [moved, other] = [anOrder('89330000000000000012'), anOrder('89330000000000000013')];
    const { store, reads } = await storeWith(moved, other);
    const records = new PrefetchingOrderStore(store, await PrefetchedOrders.read(store, [moved.orderId]));

    requireApplied(await records.transition(moved.orderId, { from: 'RECEIVED', to: 'ACTIVATING' }));
    expect((await records.get(moved.orderId))?.status).toBe('ACTIVATING');
    expect(await records.get(other.orderId)).toEqual(other);
    expect(reads).toEqual([moved.orderId, other.orderId]);
  });

  it("serves an ACTIVATED event's lookup by transaction from the batch once, then from the index", async () => {
    const order = anOrder('89330000000000000015');
    const { store } = await storeWith(order);
    const activating = requireApplied(
      await store.transition(order.orderId, {
        from: 'RECEIVED',
        to: 'ACTIVATING',
        set: { transactionId: 'tx-1' },
      }),
    );
    const lookups: string[] = [];
    const find = store.findByTransactionId.bind(store);
    store.findByTransactionId = (transactionId) => {
      lookups.push(transactionId);
      return find(transactionId);
    };
    const marked = await store.markedOrderIds([order.iccid]);
    const records = new PrefetchingOrderStore(
      store,
      await PrefetchedOrders.read(store, [...marked.values()]),
    );

    expect(await records.findByTransactionId('tx-2')).toBeUndefined();
    expect(await records.findByTransactionId('tx-1')).toEqual(activating);
    expect(lookups).toEqual(['tx-2']);
    expect(await records.findByTransactionId('tx-1')).toEqual(activating);
    expect(lookups).toEqual(['tx-2', 'tx-1']);
  });

  it('leaves deps as they are when nothing was prefetched', async () => {
    const { store } = await storeWith();
    const deps = { store, now: () => new Date() };
    expect(readingPrefetched(deps, undefined)).toBe(deps);
    expect(readingPrefetched(deps, new PrefetchedOrders(new Map()))).toBe(deps);
    const order = anOrder('89330000000000000014');
    const prefetched = new PrefetchedOrders(new Map([[order.orderId, order]]));
    expect(readingPrefetched(deps, prefetched).store).toBeInstanceOf(PrefetchingOrderStore);
  });
});
