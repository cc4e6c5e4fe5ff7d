import { forEachConcurrently } from '../concurrency.js';
import { claimConcurrency } from '../store/open-order-marker.js';
import { isTerminal, newOrder, type Order } from '../store/order.js';
import { newOrderId } from '../store/order-id.js';
import { SimHasOpenOrderError } from '../store/order-store.js';
import * as z from '../zod.js';
import {
  type AcceptedOrder,
  claimIdempotencyKey,
  describe,
  type IntakeDeps,
  type IntakeOutcome,
  type OrderFields,
  orderInput,
  queueFirstSteps,
  queueStranded,
} from './intake-common.js';

/** Bulk activation intake: many activation orders in one call, each SIM accepted or refused on its own. */

/** A bulk item refused because its SIM has an open order; `index` is its position in the items given. */
export interface BusySim {
  index: number;
  iccid: string;
  openOrderId: string;
}

export interface BulkAcceptance {
  orders: AcceptedOrder[];
  /** In item order. */
  busy: BusySim[];
}

const bulkResultSchema = z.object({ orderIds: z.array(z.string()) });

export interface BulkItem extends OrderFields {
  iccid: string;
}

/** Orders an earlier request with the same key wrote: those whose SIM another order holds, by index. */
async function reclaimExisting(
  deps: IntakeDeps,
  existing: readonly (Order | undefined)[],
): Promise<Map<number, string>> {
  const busy = new Map<number, string>();
  const open = existing.flatMap((order, index) =>
    order !== undefined && !isTerminal(order.status) ? [{ order, index }] : [],
  );
  await forEachConcurrently(open, claimConcurrency, async ({ order, index }) => {
    try {
      await deps.store.claimSim(order);
    } catch (error) {
      if (!(error instanceof SimHasOpenOrderError)) throw error;
      busy.set(index, error.openOrderId);
    }
  });
  return busy;
}

/**
 * Orders are written and queued a chunk at a time, so a bulk call's first SIMs activate while the rest are
 * written: a small first chunk to start the activations soon, then larger ones.
 */
export const BULK_FIRST_CHUNK = 50;
export const BULK_WRITE_CHUNK = 250;

/** [start, end) of each chunk of a bulk call of `count` items. */
function chunksOf(count: number): [number, number][] {
  const chunks: [number, number][] = [];
  for (let start = 0; start < count; ) {
    const end = Math.min(count, start + (start === 0 ? BULK_FIRST_CHUNK : BULK_WRITE_CHUNK));
    chunks.push([start, end]);
    start = end;
  }
  return chunks;
}

/**
 * Writes orders (on a replay, only those the first request did not write) and claims their SIMs: the orders as
 * they now stand, and for each one whose SIM another order holds, that order's id.
 */
async function writeOrders(
  deps: IntakeDeps,
  fresh: readonly Order[],
  replay: boolean,
): Promise<{ orders: Order[]; busy: Map<string, string> }> {
  const busy = new Map<string, string>();
  if (!replay) {
    for (const { orderId, openOrderId } of await deps.store.createMany(fresh)) busy.set(orderId, openOrderId);
    return { orders: [...fresh], busy };
  }
  // Batch writes cannot be conditional: never overwrite orders the first request already wrote.
  const existing = await Promise.all(fresh.map((order) => deps.store.get(order.orderId)));
  const missing = fresh.filter((_, index) => existing[index] === undefined);
  const refused = missing.length > 0 ? await deps.store.createMany(missing) : [];
  for (const [index, openOrderId] of await reclaimExisting(deps, existing)) {
    busy.set((fresh[index] as Order).orderId, openOrderId);
  }
  for (const { orderId, openOrderId } of refused) busy.set(orderId, openOrderId);
  return { orders: fresh.map((order, index) => existing[index] ?? order), busy };
}

/**
 * Many activation orders in one call, written and queued a chunk at a time (chunksOf). A SIM with an
 * open order is listed in `busy` (its order removed, nothing queued); the others go ahead. A call that fails
 * half-way has started its first chunks: retried with its Idempotency-Key, it writes and queues the rest.
 */
export async function acceptBulkActivation(
  deps: IntakeDeps,
  items: readonly BulkItem[],
  idempotencyKey?: string,
): Promise<IntakeOutcome<BulkAcceptance>> {
  let orderIds = items.map(() => newOrderId(deps.now().getTime()));
  let replay = false;
  if (idempotencyKey) {
    const claim = await claimIdempotencyKey(deps, {
      scope: 'bulk-activation',
      key: idempotencyKey,
      request: items,
      result: { orderIds },
      resultSchema: bulkResultSchema,
    });
    if (claim.kind === 'conflict') return claim;
    replay = claim.replay;
    orderIds = claim.result.orderIds;
  }

  const fresh = items.map((item, index) =>
    newOrder(
      orderInput(
        { ...item, kind: 'activation', activateFirst: true, idempotencyKey },
        orderIds[index] as string,
      ),
      deps.now(),
    ),
  );
  const queued: Order[] = [];
  const busy: BusySim[] = [];
  for (const [start, end] of chunksOf(fresh.length)) {
    const written = await writeOrders(deps, fresh.slice(start, end), replay);
    written.orders.forEach((order, offset) => {
      const openOrderId = written.busy.get(order.orderId);
      const index = start + offset;
      if (openOrderId !== undefined) busy.push({ index, iccid: items[index]?.iccid as string, openOrderId });
    });
    const kept = written.orders.filter((order) => !written.busy.has(order.orderId));
    queued.push(...(await queueFirstSteps(deps, kept)));
  }
  await queueStranded(
    deps,
    busy.map((sim) => sim.openOrderId),
  );
  return { kind: 'accepted', value: { orders: queued.map(describe), busy } };
}
