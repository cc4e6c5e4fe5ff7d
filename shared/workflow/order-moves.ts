import * as lifecycle from '../order/lifecycle.js';
import type { OcsOrderType, Order } from '../store/order.js';
import type { TransitionResult } from '../store/order-store.js';
import type { WorkflowDeps } from './deps.js';
import type { FailureReason } from './failures.js';
import { MAX_DELAY_SECONDS, type WorkflowStep } from './messages.js';
import { needsReviewNotification } from './notifications.js';

/** What the workflow does around the lifecycle's moves (shared/order/lifecycle.ts): logs, queues, announces. */

/** What the shared moves need: no Transatel access. */
export type OrderMoveDeps = Pick<WorkflowDeps, 'store' | 'queue' | 'now' | 'logger' | 'notify'>;

export async function failOrder(
  deps: OrderMoveDeps,
  order: Order,
  reason: FailureReason,
): Promise<TransitionResult> {
  deps.logger.warn('order failed', { orderId: order.orderId, iccid: order.iccid, code: reason.code });
  return lifecycle.fail(deps, order, reason);
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

export interface UsableSim {
  msisdn: string | undefined;
  orderType: OcsOrderType;
}

/**
 * The SIM is usable: the order completes if it asked for no plan; else it goes ACTIVE with the SIM's MSISDN
 * (without one the plan cannot be ordered: it fails) and is returned, for the caller to order the plan now.
 */
export async function markSimReady(
  deps: OrderMoveDeps,
  order: Order,
  sim: UsableSim,
  note: string,
): Promise<Order | undefined> {
  if (!order.planId) {
    await lifecycle.completeWithoutPlan(deps, order, sim.msisdn, `${note}; no plan requested`);
    return undefined;
  }
  if (!sim.msisdn) {
    // OCS orders are addressed by MSISDN.
    await failOrder(deps, order, {
      code: 'MSISDN_UNKNOWN',
      detail: 'Transatel reports no MSISDN for this SIM',
    });
    return undefined;
  }
  const result = await lifecycle.simReady(
    deps,
    order,
    { msisdn: sim.msisdn, orderType: sim.orderType },
    note,
  );
  return result.applied ? result.order : undefined;
}

/** As markSimReady, then the plan is queued for the plan worker. */
export async function markSimReadyAndQueuePlan(
  deps: OrderMoveDeps,
  order: Order,
  sim: UsableSim,
  note: string,
): Promise<void> {
  const ready = await markSimReady(deps, order, sim, note);
  if (ready) await enqueue(deps, ready, 'order-plan');
}

/** The log line of an order held for review: the infra's alarm counts it (infra/constructs/monitoring.ts). */
export const ORDER_HELD_FOR_REVIEW_MESSAGE = 'order needs review';

/**
 * The plan may have been bought and Transatel cannot prove either way: the order stops for a person instead
 * of buying again, with the evidence, and the company's systems are told (`order.needs_review`).
 */
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
  const result = await lifecycle.holdForReview(deps, order, evidence);
  if (result.applied) await deps.notify?.(needsReviewNotification(result.order, deps.now()));
  return result;
}
