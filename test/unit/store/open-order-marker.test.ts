import { describe, expect, it } from 'vitest';
import { forEachConcurrently } from '#shared/concurrency.js';
import {
  claimConcurrency,
  claimNewOrder,
  claimNewOrders,
  type SimMarkerOps,
} from '#shared/store/open-order-marker.js';
import { newOrder, type Order } from '#shared/store/order.js';
import { SimHasOpenOrderError } from '#shared/store/order-store.js';

/** Marker primitives over two maps, with a hook to fail or slow down a primitive. */
function fakeOps(hooks: { beforeClaim?: (orderId: string) => Promise<void> } = {}) {
  const orders = new Map<string, Order>();
  const markers = new Map<string, string>();
  const removed: string[] = [];
  const ops: SimMarkerOps = {
    claim: async (iccid, orderId) => {
      await hooks.beforeClaim?.(orderId);
      const holder = markers.get(iccid);
      if (holder !== undefined && holder !== orderId) return false;
      markers.set(iccid, orderId);
      return true;
    },
    holder: async (iccid) => markers.get(iccid),
    takeOver: async (iccid, stale, orderId) => {
      if (markers.get(iccid) !== stale) return false;
      markers.set(iccid, orderId);
      return true;
    },
    release: async (iccid, orderId) => {
      if (markers.get(iccid) === orderId) markers.delete(iccid);
    },
    getOrder: async (orderId) => orders.get(orderId),
    removeUntouched: async (orderId) => {
      removed.push(orderId);
      orders.delete(orderId);
    },
  };
  const write = (order: Order) => orders.set(order.orderId, order);
  return { ops, orders, markers, removed, write };
}

const anOrder = (iccid: string) => newOrder({ kind: 'activation', iccid });

describe('claiming a new order', () => {
  it('removes the order again when the claim fails, and rethrows', async () => {
    const fake = fakeOps({
      beforeClaim: async () => {
        throw new Error('ProvisionedThroughputExceededException');
      },
    });
    const order = anOrder('8933000000000000001');
    fake.write(order);
    await expect(claimNewOrder(fake.ops, order)).rejects.toThrow(/Throughput/);
    expect(fake.orders.has(order.orderId)).toBe(false);
  });

  it('removes the refused order and names the open one', async () => {
    const fake = fakeOps();
    const [open, late] = [anOrder('8933000000000000002'), anOrder('8933000000000000002')];
    fake.write(open);
    await claimNewOrder(fake.ops, open);
    fake.write(late);
    const refusal = claimNewOrder(fake.ops, late);
    await expect(refusal).rejects.toBeInstanceOf(SimHasOpenOrderError);
    await expect(refusal).rejects.toMatchObject({ iccid: open.iccid, openOrderId: open.orderId });
    expect([...fake.orders.keys()]).toEqual([open.orderId]);
  });

  it('gives up with an error, removing the order, when the marker keeps changing hands', async () => {
    const iccid = '8933000000000000003';
    const fake = fakeOps();
    // Every claim fails and every holder read names an order that is gone: a takeover that always loses.
    fake.ops.claim = async () => false;
    fake.ops.takeOver = async () => false;
    fake.markers.set(iccid, 'gone');
    const order = anOrder(iccid);
    fake.write(order);
    await expect(claimNewOrder(fake.ops, order)).rejects.toThrow(/kept changing/);
    expect(fake.orders.has(order.orderId)).toBe(false);
  });

  it('for many orders: on an error removes every order of the call, refused or claimed', async () => {
    const failing = anOrder('8933000000000000009');
    const fake = fakeOps({
      beforeClaim: async (orderId) => {
        if (orderId === failing.orderId) throw new Error('network');
      },
    });
    const orders = [
      ...Array.from({ length: 40 }, (_, index) =>
        anOrder(`89330000000000001${String(index).padStart(2, '0')}`),
      ),
      failing,
    ];
    for (const order of orders) fake.write(order);
    await expect(claimNewOrders(fake.ops, orders)).rejects.toThrow('network');
    expect(fake.orders.size).toBe(0);
  });

  it('for many orders: claims at most a bounded number of SIMs at once', async () => {
    let inFlight = 0;
    let most = 0;
    const fake = fakeOps({
      beforeClaim: async () => {
        inFlight += 1;
        most = Math.max(most, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 1));
        inFlight -= 1;
      },
    });
    const orders = Array.from({ length: 100 }, (_, index) =>
      anOrder(`8933000000000002${String(index).padStart(3, '0')}`),
    );
    for (const order of orders) fake.write(order);
    expect(await claimNewOrders(fake.ops, orders)).toEqual([]);
    expect(most).toBe(claimConcurrency);
    expect(fake.markers.size).toBe(100);
  });
});

describe('forEachConcurrently', () => {
  it('starts nothing after a failure and rejects with the first error', async () => {
    const started: number[] = [];
    const run = forEachConcurrently([0, 1, 2, 3, 4, 5], 2, async (item) => {
      started.push(item);
      await new Promise((resolve) => setTimeout(resolve, 1));
      if (item === 1) throw new Error('first');
      if (item === 2) throw new Error('second');
    });
    await expect(run).rejects.toThrow('first');
    expect(started).toEqual([0, 1, 2]);
  });

  it('handles an empty list', async () => {
    await expect(forEachConcurrently([], 4, async () => {})).resolves.toBeUndefined();
  });
});
