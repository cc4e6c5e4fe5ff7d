import { newOrder, type Order } from '../store/order.js';
import { newOrderId } from '../store/order-id.js';
import { OrderAlreadyExistsError, SimHasOpenOrderError } from '../store/order-store.js';
import * as z from '../zod.js';
import {
  type AcceptedOrder,
  claimIdempotencyKey,
  describe,
  type IntakeDeps,
  type IntakeOutcome,
  type OrderRequest,
  orderInput,
  queueFirstSteps,
  queueStranded,
} from './intake-common.js';

/**
 * Accepting orders: record them, then queue their first step. Nothing here calls Transatel, so a
 * burst of thousands is absorbed by the queue. A SIM has one open order at a time (the store enforces
 * it): a new order for a SIM whose order is neither COMPLETED nor FAILED is refused, naming that order;
 * an Idempotency-Key replay still gets its own. Single orders here, bulk in bulk-intake.ts.
 */

export { acceptBulkActivation, type BulkAcceptance, type BulkItem, type BusySim } from './bulk-intake.js';
export {
  type AcceptedOrder,
  type IntakeDeps,
  type IntakeOutcome,
  type OrderFields,
  STRANDED_AFTER_MS,
} from './intake-common.js';

/** The SIM has another order that is not final yet: nothing was written or queued for this request. */
export interface SimBusy {
  kind: 'sim-busy';
  iccid: string;
  openOrderId: string;
}

export type OrderOutcome = IntakeOutcome<AcceptedOrder> | SimBusy;

const singleResultSchema = z.object({ orderId: z.string() });

function simBusy(error: SimHasOpenOrderError): SimBusy {
  return { kind: 'sim-busy', iccid: error.iccid, openOrderId: error.openOrderId };
}

/**
 * The order with this id, written now or found written by an earlier request with the same
 * Idempotency-Key, holding its SIM; or the other open order of the SIM.
 */
async function writeOrFind(
  deps: IntakeDeps,
  request: OrderRequest,
  orderId: string,
): Promise<{ order: Order } | SimBusy> {
  // Found gone after "already exists": a concurrent request with the same key wrote it, then removed
  // it (its SIM was busy). Each round follows such a move, so a few rounds are plenty.
  for (let round = 0; round < 3; round += 1) {
    const existing = await deps.store.get(orderId);
    if (existing) {
      // A replay: the first request may have died between writing the order and claiming its SIM.
      try {
        await deps.store.claimSim(existing);
      } catch (error) {
        if (error instanceof SimHasOpenOrderError) return simBusy(error);
        throw error;
      }
      return { order: existing };
    }
    const order = newOrder(orderInput(request, orderId), deps.now());
    try {
      await deps.store.create(order);
      return { order };
    } catch (error) {
      if (error instanceof SimHasOpenOrderError) return simBusy(error);
      if (!(error instanceof OrderAlreadyExistsError)) throw error;
    }
  }
  throw new Error(`Order ${orderId} kept appearing and disappearing`);
}

/**
 * One order (an activation, or a plan for a SIM). The same Idempotency-Key and body give the same
 * order, even while it is open; another request for a SIM with an open order is `sim-busy`.
 */
export async function acceptOrder(deps: IntakeDeps, request: OrderRequest): Promise<OrderOutcome> {
  let orderId = newOrderId(deps.now().getTime());
  if (request.idempotencyKey) {
    const { idempotencyKey, ...fields } = request;
    const claim = await claimIdempotencyKey(deps, {
      scope: `${request.kind}-order`,
      key: idempotencyKey,
      request: fields,
      result: { orderId },
      resultSchema: singleResultSchema,
    });
    if (claim.kind === 'conflict') return claim;
    orderId = claim.result.orderId;
  }

  // On a replay the order may exist already (and have moved on): finish what the first request began.
  const written = await writeOrFind(deps, request, orderId);
  if ('kind' in written) {
    await queueStranded(deps, [written.openOrderId]);
    return written;
  }
  const [queued] = await queueFirstSteps(deps, [written.order]);
  return { kind: 'accepted', value: describe(queued ?? written.order) };
}
