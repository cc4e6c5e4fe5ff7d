import { resolveAbandon, resolveRetry, resolveSubscribed, returnToReview } from '../order/lifecycle.js';
import type { Order, ReviewOutcome } from '../store/order.js';
import type { OrderMoveDeps } from './order-moves.js';
import { enqueue } from './order-moves.js';

export interface Resolution {
  /**
   * `subscribed`: the plan was bought (the person found it on the SIM): the order completes.
   * `retry`: it was not: the plan is ordered again. `abandon`: the order fails, nothing more is bought.
   */
  outcome: ReviewOutcome;
  /** The subscription the person found, with `subscribed`. */
  subscriptionId?: string | undefined;
  note?: string | undefined;
  /** Who resolved it (the caller's IAM principal), for the timeline. */
  by: string;
}

export type ResolveResult =
  | { kind: 'resolved'; order: Order }
  | { kind: 'not-found' }
  | { kind: 'not-in-review'; order: Order };

/**
 * Resolves an order held for review, recorded in its timeline with who did it. Conditional on the order's
 * version: of two people resolving at once, one wins and the other is told the order moved on.
 */
export async function resolveReview(
  deps: OrderMoveDeps,
  orderId: string,
  resolution: Resolution,
): Promise<ResolveResult> {
  const order = await deps.store.get(orderId);
  if (!order) return { kind: 'not-found' };
  if (order.status !== 'NEEDS_REVIEW') return { kind: 'not-in-review', order };
  const audit = `resolved by ${resolution.by}: ${resolution.outcome}${resolution.note ? ` (${resolution.note})` : ''}`;
  const result = await (() => {
    switch (resolution.outcome) {
      case 'subscribed':
        return resolveSubscribed(deps, order, resolution.subscriptionId, audit);
      case 'retry':
        return resolveRetry(deps, order, audit);
      case 'abandon':
        return resolveAbandon(
          deps,
          order,
          {
            code: 'ABANDONED_BY_OPERATOR',
            detail: `${audit}. ${order.failure ? `Held for review: ${order.failure.detail}` : ''}`,
          },
          audit,
        );
    }
  })();
  if (!result.applied) {
    const current = result.conflict.current;
    return current ? { kind: 'not-in-review', order: current } : { kind: 'not-found' };
  }
  if (resolution.outcome === 'retry') {
    try {
      await enqueue(deps, result.order, 'order-plan');
    } catch (error) {
      // Without its message the order would wait forever: put it back in review, and say so.
      await returnToReview(deps, result.order, order.failure);
      throw error;
    }
  }
  return { kind: 'resolved', order: result.order };
}
