import type { OcsOrderType, Order, OrderStatus } from '../store/order.js';
import type { OrderStore, TransitionRequest, TransitionResult } from '../store/order-store.js';
import type { FailureReason } from '../workflow/failures.js';

/**
 * The order lifecycle: the legal moves between statuses (`moves`, the state diagram as data) and one
 * function per move. No other module writes an order's status (a test holds this). Every move is a
 * conditional write from the statuses it names; a conflict means another path (a duplicate message, a
 * webhook, a person) moved the order first.
 */
export const moves = {
  requestActivation: { from: ['RECEIVED'], to: 'ACTIVATING' },
  countStatusCheck: { from: ['ACTIVATING'], to: 'ACTIVATING' },
  simReady: { from: ['RECEIVED', 'ACTIVATING'], to: 'ACTIVE' },
  completeWithoutPlan: { from: ['RECEIVED', 'ACTIVATING'], to: 'COMPLETED' },
  claimPlan: { from: ['ACTIVE'], to: 'ACTIVE' },
  releasePlanClaim: { from: ['ACTIVE'], to: 'ACTIVE' },
  completePlan: { from: ['ACTIVE', 'NEEDS_REVIEW'], to: 'COMPLETED' },
  holdForReview: { from: ['ACTIVE'], to: 'NEEDS_REVIEW' },
  failUnqueued: { from: ['RECEIVED'], to: 'FAILED' },
  fail: { from: ['RECEIVED', 'ACTIVATING', 'ACTIVE'], to: 'FAILED' },
  resolveSubscribed: { from: ['NEEDS_REVIEW'], to: 'COMPLETED' },
  resolveRetry: { from: ['NEEDS_REVIEW'], to: 'ACTIVE' },
  resolveAbandon: { from: ['NEEDS_REVIEW'], to: 'FAILED' },
  returnToReview: { from: ['ACTIVE'], to: 'NEEDS_REVIEW' },
} as const satisfies Record<string, { from: readonly OrderStatus[]; to: OrderStatus }>;

export type MoveName = keyof typeof moves;

export interface LifecycleDeps {
  store: OrderStore;
  now: () => Date;
}

type MoveDetails = Omit<TransitionRequest, 'from' | 'to' | 'at'>;

function move(deps: LifecycleDeps, order: Order, name: MoveName, details: MoveDetails = {}) {
  const { from, to } = moves[name];
  return deps.store.transition(order.orderId, { from, to, at: deps.now(), ...details });
}

const clip = (text: string, length: number) => text.slice(0, length);
const failureOf = (reason: FailureReason) => ({ code: reason.code, detail: clip(reason.detail, 2000) });

export function requestActivation(
  deps: LifecycleDeps,
  order: Order,
  transactionId: string | undefined,
  note: string,
): Promise<TransitionResult> {
  return move(deps, order, 'requestActivation', {
    set: transactionId ? { transactionId } : {},
    increment: { activationCalls: 1 },
    note,
  });
}

/** One more status check of an activating SIM; refused if the order moved meanwhile (the webhook came). */
export function countStatusCheck(deps: LifecycleDeps, order: Order): Promise<TransitionResult> {
  return move(deps, order, 'countStatusCheck', {
    expectedVersion: order.version,
    increment: { statusPolls: 1 },
  });
}

/** The SIM is usable: its MSISDN, and how its plan will be ordered (preload or subscribe). */
export function simReady(
  deps: LifecycleDeps,
  order: Order,
  sim: { msisdn: string; orderType: OcsOrderType },
  note: string,
): Promise<TransitionResult> {
  return move(deps, order, 'simReady', { set: { msisdn: sim.msisdn, orderType: sim.orderType }, note });
}

export function completeWithoutPlan(
  deps: LifecycleDeps,
  order: Order,
  msisdn: string | undefined,
  note: string,
): Promise<TransitionResult> {
  return move(deps, order, 'completeWithoutPlan', { set: msisdn ? { msisdn } : {}, note });
}

/** Makes this invocation the one that may buy the plan (status and version unchanged since it read them). */
export function claimPlan(deps: LifecycleDeps, order: Order): Promise<TransitionResult> {
  return move(deps, order, 'claimPlan', {
    expectedVersion: order.version,
    set: { planClaimedAt: deps.now().toISOString() },
    increment: { subscriptionCalls: 1 },
  });
}

/** Gives the claim up: Transatel refused the order unprocessed (429, token, connection refused). */
export function releasePlanClaim(deps: LifecycleDeps, claimed: Order): Promise<TransitionResult> {
  return move(deps, claimed, 'releasePlanClaim', {
    expectedVersion: claimed.version,
    set: { planClaimedAt: undefined },
  });
}

/** The plan is bought (or found bought): from ACTIVE, or from NEEDS_REVIEW when Transatel's event proves it. */
export function completePlan(
  deps: LifecycleDeps,
  order: Order,
  subscriptionId: string | undefined,
  note: string,
): Promise<TransitionResult> {
  return move(deps, order, 'completePlan', {
    set: { subscriptionId: subscriptionId ?? order.subscriptionId, planClaimedAt: undefined },
    note,
  });
}

export function holdForReview(
  deps: LifecycleDeps,
  order: Order,
  evidence: FailureReason,
): Promise<TransitionResult> {
  return move(deps, order, 'holdForReview', {
    set: { failure: failureOf(evidence) },
    // The evidence goes to the timeline too, where it stays once the order is resolved.
    note: clip(`${evidence.code}: ${evidence.detail}`, 1000),
  });
}

export function fail(deps: LifecycleDeps, order: Order, reason: FailureReason): Promise<TransitionResult> {
  return move(deps, order, 'fail', { set: { failure: failureOf(reason) }, note: reason.code });
}

/** An order whose first step SQS refused: failed at once rather than left waiting for a step that never comes. */
export function failUnqueued(deps: LifecycleDeps, order: Order, detail: string): Promise<TransitionResult> {
  return move(deps, order, 'failUnqueued', {
    set: { failure: { code: 'ENQUEUE_FAILED', detail } },
    note: 'ENQUEUE_FAILED',
  });
}

/** A person's resolution of an order held for review, conditional on the version they saw; audited in `note`. */
export function resolveSubscribed(
  deps: LifecycleDeps,
  order: Order,
  subscriptionId: string | undefined,
  note: string,
): Promise<TransitionResult> {
  return move(deps, order, 'resolveSubscribed', {
    expectedVersion: order.version,
    set: { failure: undefined, planClaimedAt: undefined, ...(subscriptionId ? { subscriptionId } : {}) },
    note: clip(note, 1000),
  });
}

export function resolveRetry(deps: LifecycleDeps, order: Order, note: string): Promise<TransitionResult> {
  return move(deps, order, 'resolveRetry', {
    expectedVersion: order.version,
    set: { failure: undefined, planClaimedAt: undefined },
    note: clip(note, 1000),
  });
}

export function resolveAbandon(
  deps: LifecycleDeps,
  order: Order,
  reason: FailureReason,
  note: string,
): Promise<TransitionResult> {
  return move(deps, order, 'resolveAbandon', {
    expectedVersion: order.version,
    set: { failure: failureOf(reason) },
    note: clip(note, 1000),
  });
}

/** A retry whose message could not be queued goes back to review, with its evidence. */
export function returnToReview(
  deps: LifecycleDeps,
  retried: Order,
  failure: Order['failure'],
): Promise<TransitionResult> {
  return move(deps, retried, 'returnToReview', {
    expectedVersion: retried.version,
    set: { failure },
    note: 'retry could not be queued; still in review',
  });
}

/** When the order entered a status (its latest timeline entry for it). */
export function enteredAt(order: Order, status: OrderStatus): Date {
  for (let i = order.timeline.length - 1; i >= 0; i--) {
    const entry = order.timeline[i];
    if (entry?.status === status) return new Date(entry.at);
  }
  return new Date(order.createdAt);
}
