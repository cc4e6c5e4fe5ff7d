import { completePlan } from '../order/lifecycle.js';
import type { Order } from '../store/order.js';
import { orderIdSchema } from '../store/order-id.js';
import type { TransatelEvent } from '../transatel/webhooks/events.js';
import { enqueue, markSimReadyAndQueuePlan, type OrderMoveDeps } from './order-moves.js';

export type EventDeps = OrderMoveDeps;

/** The timeline note of an order the ACTIVATED webhook made ACTIVE (the plan worker learns from these). */
export const ACTIVATED_EVENT_NOTE = 'SIM active (ACTIVATED event)';

/**
 * What a Transatel event means for our orders. Every move is conditional, so a duplicate, late or
 * reordered event changes nothing once the order has moved on.
 */
export async function applyEventToOrders(deps: EventDeps, event: TransatelEvent): Promise<string[]> {
  if (isSimActivated(event)) {
    const orders = await ordersAwaitingActivation(deps, event.body.transactionId, event.body.simSerial, {
      eventDate: event.header.eventDate,
    });
    const { msisdn } = event.body;
    for (const order of orders) {
      if (!msisdn && order.planId) {
        // The plan is ordered by MSISDN, which this event does not carry: have the SIM read now instead.
        await enqueue(deps, order, 'await-activation', 0);
        continue;
      }
      await markSimReadyAndQueuePlan(deps, order, { msisdn, orderType: 'subscribe' }, ACTIVATED_EVENT_NOTE);
    }
    return orders.map((order) => order.orderId);
  }
  const [orderId] = planOrdersConfirmedBy(event);
  if (orderId && event.family === 'ocs-product') {
    const order = await deps.store.get(orderId);
    // The product exists at Transatel: this settles an order whose OCS answer was lost or is still on its way,
    // and one that stopped for review because the inventory could not tell.
    if (order?.status !== 'ACTIVE' && order?.status !== 'NEEDS_REVIEW') return [];
    const result = await completePlan(
      deps,
      order,
      event.body.productSubscription?.subscriptionId,
      `plan confirmed by ${event.type} event`,
    );
    return result.applied ? [order.orderId] : [];
  }
  return [];
}

/**
 * The order whose plan an OCS product event confirms: our OCS orders carry the order id as
 * transactionReference, echoed back as externalReference. None for other events.
 */
export function planOrdersConfirmedBy(event: TransatelEvent): string[] {
  if (event.family !== 'ocs-product') return [];
  if (event.type !== 'OCS/PRODUCT/ACTIVATED' && event.type !== 'OCS/PRODUCT/PRELOADED') return [];
  const orderId = orderIdSchema.safeParse(event.body.externalReference);
  return orderId.success ? [orderId.data] : [];
}

type ConnectivityEvent = Extract<TransatelEvent, { family: 'connectivity' }>;

/** The ACTIVATED event of a SIM, the one event that moves an activation order on. */
function isSimActivated(event: TransatelEvent): event is ConnectivityEvent {
  return event.type === 'CONNECTIVITY-MANAGEMENT/SUBSCRIBER/ACTIVATED' && event.family === 'connectivity';
}

/** The SIM an ACTIVATED event with a transaction names: its open order is likely the one awaiting it. */
export function simActivatedBy(event: TransatelEvent): string[] {
  return isSimActivated(event) && event.body.transactionId ? [event.body.simSerial] : [];
}

/** Clocks differ: an event dated this much before an order was placed may still be about it. */
const CLOCK_SKEW_MS = 60_000;

/**
 * Orders this SIM's activation concerns: ACTIVATING ones, and activation orders still RECEIVED that the event
 * is not older than, because the event can overtake our record of the request (Transatel activates and
 * reports before its answer to us has been written down) or the SIM was activated by someone else.
 */
async function ordersAwaitingActivation(
  deps: EventDeps,
  transactionId: string | undefined,
  iccid: string,
  event: { eventDate: string },
): Promise<Order[]> {
  if (transactionId) {
    const order = await deps.store.findByTransactionId(transactionId);
    if (order) return order.status === 'ACTIVATING' ? [order] : [];
  }
  // No transaction id (a system activation) or the index has not caught up: match on the SIM.
  const active = await deps.store.findActiveByIccid(iccid);
  // Index reads are eventually consistent: read each order again before acting on it.
  const fresh = await Promise.all(active.map((order) => deps.store.get(order.orderId)));
  const eventAt = Date.parse(event.eventDate);
  return fresh.filter(
    (order): order is Order =>
      order?.status === 'ACTIVATING' ||
      (order?.status === 'RECEIVED' &&
        order.kind === 'activation' &&
        eventAt >= Date.parse(order.createdAt) - CLOCK_SKEW_MS),
  );
}
