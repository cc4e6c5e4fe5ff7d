import { forEachConcurrently } from '../concurrency.js';
import { isTerminal, type Order } from './order.js';
import { type RefusedOrder, SimHasOpenOrderError } from './order-store.js';

/**
 * One open order per SIM, the part both adapters share. A SIM's marker names its open order, and every
 * change to it is one conditional write, so concurrent requests cannot both win: a claim needs the marker
 * absent or already this order's; a take-over, that it still names the holder read, now final or missing (a
 * lost release or rollback); a release, that it still names this order. A marker names only an order written
 * before it, so a holder that cannot be read (strongly consistent) is gone for good, not still being written.
 */
export interface SimMarkerOps {
  /** Points the SIM's marker at `orderId` if it has none or already names it. */
  claim(iccid: string, orderId: string, since: string): Promise<boolean>;
  /** The order the marker names, if there is a marker (strongly consistent). */
  holder(iccid: string): Promise<string | undefined>;
  /** Points the marker at `orderId` if it still names `staleOrderId`. */
  takeOver(iccid: string, staleOrderId: string, orderId: string, since: string): Promise<boolean>;
  /** Deletes the marker if it still names `orderId`. */
  release(iccid: string, orderId: string): Promise<void>;
  /** Strongly consistent. */
  getOrder(orderId: string): Promise<Order | undefined>;
  /** Deletes an order nobody has touched yet (RECEIVED at version 1); nothing otherwise. */
  removeUntouched(orderId: string): Promise<void>;
}

/** Each round follows a change another writer made; this many in a row means unusual contention. */
const maxClaimRounds = 10;

/** How many SIMs `createMany` claims at once. */
export const claimConcurrency = 16;

async function isOpen(ops: SimMarkerOps, orderId: string): Promise<boolean> {
  const order = await ops.getOrder(orderId);
  return order !== undefined && !isTerminal(order.status);
}

/** Makes `order` its SIM's open order; returns the other open order instead when there is one. */
export async function claimOpenOrder(ops: SimMarkerOps, order: Order): Promise<string | undefined> {
  const { iccid, orderId } = order;
  const since = new Date().toISOString();
  for (let round = 0; round < maxClaimRounds; round += 1) {
    if (await ops.claim(iccid, orderId, since)) return undefined;
    const holder = await ops.holder(iccid);
    // Released since the claim failed: claim again.
    if (holder === undefined) continue;
    if (holder === orderId) return undefined;
    if (await isOpen(ops, holder)) return holder;
    if (await ops.takeOver(iccid, holder, orderId, since)) return undefined;
    // Another request took the stale marker over first: look at its new holder.
  }
  throw new Error(`SIM ${iccid}: its open-order marker kept changing during ${maxClaimRounds} attempts`);
}

async function removeQuietly(ops: SimMarkerOps, orderId: string): Promise<void> {
  // Best effort: an order left behind holds no marker and was never queued.
  await ops.removeUntouched(orderId).catch(() => undefined);
}

/**
 * After `order` was written: claims its SIM, or removes the order again and throws
 * `SimHasOpenOrderError`. On any other failure the order is removed too (a marker the failed claim
 * may have set names a missing order: stale), so nothing is left half created.
 */
export async function claimNewOrder(ops: SimMarkerOps, order: Order): Promise<void> {
  let openOrderId: string | undefined;
  try {
    openOrderId = await claimOpenOrder(ops, order);
  } catch (error) {
    await removeQuietly(ops, order.orderId);
    throw error;
  }
  if (openOrderId === undefined) return;
  await removeQuietly(ops, order.orderId);
  throw new SimHasOpenOrderError(order.iccid, openOrderId);
}

/** `claimNewOrder` for orders written together: the refused ones are returned, in input order. */
export async function claimNewOrders(ops: SimMarkerOps, orders: readonly Order[]): Promise<RefusedOrder[]> {
  const refused: (RefusedOrder | undefined)[] = orders.map(() => undefined);
  try {
    await forEachConcurrently(orders, claimConcurrency, async (order, index) => {
      const openOrderId = await claimOpenOrder(ops, order);
      if (openOrderId === undefined) return;
      refused[index] = { orderId: order.orderId, iccid: order.iccid, openOrderId };
      await removeQuietly(ops, order.orderId);
    });
  } catch (error) {
    await forEachConcurrently(orders, claimConcurrency, (order) => removeQuietly(ops, order.orderId));
    throw error;
  }
  return refused.filter((entry): entry is RefusedOrder => entry !== undefined);
}

/** For an order that exists already: claims its SIM, or throws `SimHasOpenOrderError` (the order stays). */
export async function claimExistingOrder(ops: SimMarkerOps, order: Order): Promise<void> {
  if (isTerminal(order.status)) return;
  const openOrderId = await claimOpenOrder(ops, order);
  if (openOrderId !== undefined) throw new SimHasOpenOrderError(order.iccid, openOrderId);
}

export async function openOrderIdOf(ops: SimMarkerOps, iccid: string): Promise<string | undefined> {
  const holder = await ops.holder(iccid);
  return holder !== undefined && (await isOpen(ops, holder)) ? holder : undefined;
}

/** After a transition to a final status: frees the SIM, best effort (a lost release goes stale). */
export async function releaseAfter(ops: SimMarkerOps, order: Order): Promise<void> {
  if (!isTerminal(order.status)) return;
  await ops.release(order.iccid, order.orderId).catch(() => undefined);
}
