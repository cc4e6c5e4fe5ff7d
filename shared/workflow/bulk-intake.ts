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
 * Many activation orders in one call: written in batches and queued in batches. A SIM with an open
 * order is listed in `busy` (its order removed, nothing queued); the others go ahead.
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
  const indexById = new Map(fresh.map((order, index) => [order.orderId, index]));
  let orders = fresh;
  let busy = new Map<number, string>();
  if (replay) {
    // Batch writes cannot be conditional: never overwrite orders the first request already wrote.
    const existing = await Promise.all(orderIds.map((orderId) => deps.store.get(orderId)));
    const missing = fresh.filter((_, index) => existing[index] === undefined);
    const refused = missing.length > 0 ? await deps.store.createMany(missing) : [];
    busy = await reclaimExisting(deps, existing);
    for (const { orderId, openOrderId } of refused) busy.set(indexById.get(orderId) as number, openOrderId);
    orders = fresh.map((order, index) => existing[index] ?? order);
  } else {
    const refused = await deps.store.createMany(fresh);
    for (const { orderId, openOrderId } of refused) busy.set(indexById.get(orderId) as number, openOrderId);
  }
  const kept = orders.filter((_, index) => !busy.has(index));
  const queued = await queueFirstSteps(deps, kept);
  await queueStranded(deps, [...busy.values()]);
  return {
    kind: 'accepted',
    value: {
      orders: queued.map(describe),
      busy: [...busy]
        .sort(([a], [b]) => a - b)
        .map(([index, openOrderId]) => ({ index, iccid: items[index]?.iccid as string, openOrderId })),
    },
  };
}
