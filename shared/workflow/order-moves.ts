import type { Order, OrderStatus } from '../store/order.js';
import type { TransitionResult } from '../store/order-store.js';
import type { WorkflowDeps } from './deps.js';
import type { FailureReason } from './failures.js';
import { MAX_DELAY_SECONDS, type WorkflowStep } from './messages.js';
import { needsReviewNotification } from './notifications.js';

/** The moves every step shares. Each is a conditional write; a conflict means another path got there first. */

/** What the shared moves need: no Transatel access. */
export type OrderMoveDeps = Pick<WorkflowDeps, 'store' | 'queue' | 'now' | 'logger' | 'notify'>;

const NOT_TERMINAL: readonly OrderStatus[] = ['RECEIVED', 'ACTIVATING', 'ACTIVE'];

export async function failOrder(
  deps: OrderMoveDeps,
  order: Order,
  reason: FailureReason,
): Promise<TransitionResult> {
  deps.logger.warn('order failed', { orderId: order.orderId, iccid: order.iccid, code: reason.code });
  return deps.store.transition(order.orderId, {
    from: NOT_TERMINAL,
    to: 'FAILED',
    set: { failure: { code: reason.code, detail: reason.detail.slice(0, 2000) } },
    note: reason.code,
    at: deps.now(),
  });
}

export async function enqueue(
  deps: OrderMoveDeps,
  order: Order,
  step: WorkflowStep,
  delaySeconds = 0,
): Promise<void> {
  const delay = Math.max(0, Math.min(MAX_DELAY_SECONDS, Math.ceil(delaySeconds)));
  await deps.queue.send({ orderId: order.orderId, step }, delay);
}

/**
 * The SIM is usable: record its MSISDN and how the plan will be ordered, then either finish (no plan
 * asked for) or hand over the plan subscription: queued for the subscription worker (`next: 'queue'`),
 * or returned as the ACTIVE order for a caller that is the subscription worker and orders it at once
 * (`next: 'caller'`; a failure there redelivers the message, and the step follows the order's status).
 */
export async function markSimReady(
  deps: OrderMoveDeps,
  order: Order,
  from: OrderStatus,
  sim: { msisdn: string | undefined; orderType: 'preload' | 'subscribe' },
  note: string,
  next: 'queue' | 'caller' = 'queue',
): Promise<Order | undefined> {
  if (!order.planId) {
    await deps.store.transition(order.orderId, {
      from,
      to: 'COMPLETED',
      set: sim.msisdn ? { msisdn: sim.msisdn } : {},
      note: `${note}; no plan requested`,
      at: deps.now(),
    });
    return undefined;
  }
  if (!sim.msisdn) {
    // OCS orders are addressed by MSISDN: without one the plan cannot be ordered.
    await failOrder(deps, order, {
      code: 'MSISDN_UNKNOWN',
      detail: 'Transatel reports no MSISDN for this SIM',
    });
    return undefined;
  }
  const result = await deps.store.transition(order.orderId, {
    from,
    to: 'ACTIVE',
    set: { msisdn: sim.msisdn, orderType: sim.orderType },
    note,
    at: deps.now(),
  });
  if (!result.applied) return undefined;
  if (next === 'caller') return result.order;
  await enqueue(deps, result.order, 'subscribe');
  return undefined;
}

/**
 * The plan may have been bought and Transatel cannot prove either way: the order stops for a person instead
 * of buying again, with the evidence, and the company's systems are told (`order.needs_review`).
 */
/** The log line of an order held for review: the infra's alarm counts it (infra/constructs/monitoring.ts). */
export const ORDER_HELD_FOR_REVIEW_MESSAGE = 'order needs review';

export async function holdForReview(
  deps: OrderMoveDeps,
  order: Order,
  evidence: FailureReason,
): Promise<TransitionResult> {
  deps.logger.warn(ORDER_HELD_FOR_REVIEW_MESSAGE, {
    orderId: order.orderId,
    iccid: order.iccid,
    code: evidence.code,
  });
  const result = await deps.store.transition(order.orderId, {
    from: 'ACTIVE',
    to: 'NEEDS_REVIEW',
    set: { failure: { code: evidence.code, detail: evidence.detail.slice(0, 2000) } },
    // The evidence goes to the timeline too, where it stays once the order is resolved.
    note: `${evidence.code}: ${evidence.detail}`.slice(0, 1000),
    at: deps.now(),
  });
  if (result.applied) await deps.notify?.(needsReviewNotification(result.order, deps.now()));
  return result;
}

/** When the order entered a status (its latest timeline entry for it). */
export function enteredAt(order: Order, status: OrderStatus): Date {
  for (let i = order.timeline.length - 1; i >= 0; i--) {
    const entry = order.timeline[i];
    if (entry?.status === status) return new Date(entry.at);
  }
  return new Date(order.createdAt);
}
