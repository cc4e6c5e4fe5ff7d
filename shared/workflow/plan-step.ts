import {
  claimPlan,
  completePlan,
  countStatusCheck,
  enteredAt,
  releasePlanClaim,
} from '../order/lifecycle.js';
import type { Order } from '../store/order.js';
import { TransatelUnknownOutcomeError } from '../transatel/errors.js';
import { checkBackoffSeconds, type WorkflowDeps } from './deps.js';
import { ACTIVATED_EVENT_NOTE } from './event-step.js';
import { failureFromTransatel, isPermanentTransatelError } from './failures.js';
import { enqueue, failOrder, holdForReview, markSimReady } from './order-moves.js';
import { reconcilePlanOrder } from './plan-evidence.js';
import { planOrderFor, readSubscriber } from './sim-status.js';

/**
 * The plan worker's step, chosen by the order's state (the message only names the order):
 * a plan order is routed by the SIM's status, an activating SIM is checked, an active one gets its plan.
 */
export async function runPlanStep(deps: WorkflowDeps, orderId: string): Promise<void> {
  const order = await deps.store.get(orderId);
  if (!order) throw new Error(`Order ${orderId} does not exist`);
  switch (order.status) {
    case 'RECEIVED':
      if (order.kind === 'plan') return routePlanOrder(deps, order);
      return; // an activation order's first step belongs to the activation worker
    case 'ACTIVATING':
      return checkActivation(deps, order);
    case 'ACTIVE':
      if (!order.planClaimedAt) await learnWebhookTiming(deps, order);
      return subscribePlan(deps, order);
    default:
      deps.logger.info('plan step skipped: order is settled', { orderId, status: order.status });
  }
}

/** A plan order: preload on a Pre-activated SIM, subscribe on an Active one, refuse otherwise. */
async function routePlanOrder(deps: WorkflowDeps, order: Order): Promise<void> {
  const subscriber = await readSubscriber(deps, order);
  if (!subscriber) return;
  const orderType = planOrderFor(subscriber)?.orderType;
  if (!orderType) {
    await failOrder(deps, order, {
      code: 'SIM_NOT_ACTIVE',
      detail: `The SIM is ${subscriber.status}; a plan needs an Active, TestMode or Pre-activated SIM`,
    });
    return;
  }
  const ready = await markSimReady(
    deps,
    order,
    { msisdn: subscriber.msisdn, orderType },
    `SIM ${subscriber.status}`,
  );
  if (ready) await subscribePlan(deps, ready);
}

/** Statuses that show an activation will not complete: the order fails rather than wait for its deadline. */
const ACTIVATION_DEAD_ENDS = new Set(['Suspended', 'Terminated']);

/**
 * An order the ACTIVATED webhook made ACTIVE tells the watch how long webhooks take to come; the estimate is
 * shared with the activation workers, which time first checks by it.
 */
async function learnWebhookTiming(deps: WorkflowDeps, order: Order): Promise<void> {
  const active = order.timeline.findLast((entry) => entry.status === 'ACTIVE');
  const watch = deps.activationWatch;
  if (!watch || active?.note !== ACTIVATED_EVENT_NOTE) return;
  const ageMs = Date.parse(active.at) - enteredAt(order, 'ACTIVATING').getTime();
  watch.webhookArrived(ageMs / 1000);
  const expected = watch.expectedWebhookSeconds();
  if (expected !== undefined) await deps.webhookTiming?.publish(expected, deps.now());
}

/**
 * Polling fallback for the ACTIVATED webhook, with backoff until the stage's activation deadline. The SIM's
 * own status decides; the transaction, where Transatel names one and answers for it, can only fail it early.
 * With an activation watch, a check is made only once the webhook is late (it is deferred otherwise, at no
 * Transatel cost); at the deadline it is always made.
 */
async function checkActivation(deps: WorkflowDeps, order: Order): Promise<void> {
  const now = deps.now();
  const since = enteredAt(order, 'ACTIVATING').getTime();
  const deadline = since + deps.settings.activationDeadlineSeconds * 1000;
  const ageSeconds = (now.getTime() - since) / 1000;
  const untilDeadline = (deadline - now.getTime()) / 1000 + 1;
  const watch = deps.activationWatch;
  if (watch && now.getTime() < deadline) {
    const timing = watch.timing(ageSeconds, now);
    if (timing.kind === 'wait') {
      const seconds = Math.min(timing.seconds, untilDeadline);
      deps.logger.info('status check deferred', { orderId: order.orderId, seconds, reason: timing.reason });
      await enqueue(deps, order, 'await-activation', seconds);
      return;
    }
    watch.checking(ageSeconds, now);
  }
  let subscriber: Awaited<ReturnType<WorkflowDeps['transatel']['connectivity']['getSubscriber']>>;
  try {
    subscriber = await deps.transatel.connectivity.getSubscriber(order.iccid);
  } finally {
    watch?.checked(ageSeconds);
  }
  if (subscriber.status === 'Active' || subscriber.status === 'TestMode') {
    // This worker orders plans: go on with the plan now rather than queue a message to itself.
    const ready = await markSimReady(
      deps,
      order,
      { msisdn: subscriber.msisdn, orderType: 'subscribe' },
      `SIM ${subscriber.status} (status check)`,
    );
    if (ready) await subscribePlan(deps, ready);
    return;
  }
  if (ACTIVATION_DEAD_ENDS.has(subscriber.status)) {
    await failOrder(deps, order, {
      code: 'SIM_NOT_ACTIVATED',
      detail: `The SIM went ${subscriber.status} instead of Active`,
    });
    return;
  }
  watch?.stillActivating(ageSeconds, now);
  if (await activationTransactionFailed(deps, order)) return;

  if (now.getTime() >= deadline) {
    await failOrder(deps, order, {
      code: 'ACTIVATION_DEADLINE_PASSED',
      detail: `The SIM was still ${subscriber.status} ${deps.settings.activationDeadlineSeconds} s after the activation request`,
    });
    return;
  }
  const counted = await countStatusCheck(deps, order);
  if (!counted.applied) return; // the webhook moved it meanwhile
  const delay = Math.min(checkBackoffSeconds(deps.settings, ageSeconds), untilDeadline);
  await enqueue(deps, counted.order, 'await-activation', delay);
}

/**
 * True when Transatel says the activation's transaction failed (and the order is failed with its reason).
 * The transactions endpoint is known from one source only: when it errs, the SIM's status alone decides.
 */
async function activationTransactionFailed(deps: WorkflowDeps, order: Order): Promise<boolean> {
  if (!order.transactionId) return false;
  let transaction: Awaited<ReturnType<WorkflowDeps['transatel']['connectivity']['getTransaction']>>;
  try {
    transaction = await deps.transatel.connectivity.getTransaction(order.transactionId);
  } catch (error) {
    deps.logger.warn('transaction lookup failed; following the SIM status only', {
      orderId: order.orderId,
      error: error instanceof Error ? error.message : String(error),
    });
    return false;
  }
  if (transaction.state !== 'FAILED') return false;
  await failOrder(deps, order, {
    code: transaction.errorCode ?? 'ACTIVATION_FAILED',
    detail: transaction.errorMessage ?? `Transatel transaction ${order.transactionId} failed`,
  });
  return true;
}

/**
 * Orders the plan, at most once per order. A claim (a conditional write on status and version) makes one
 * invocation the owner. After an ambiguous answer the plan is ordered again only when the inventory proves
 * the first attempt absent, and never before the claim's lease has passed; an inventory that cannot tell
 * stops the order for a person (NEEDS_REVIEW).
 */
async function subscribePlan(deps: WorkflowDeps, order: Order): Promise<void> {
  const { planId, msisdn, orderType } = order;
  if (!planId || !msisdn || !orderType) {
    await failOrder(deps, order, {
      code: 'ORDER_INCOMPLETE',
      detail: 'An ACTIVE order lacks its plan, MSISDN or order type',
    });
    return;
  }
  const now = deps.now();
  if (order.planClaimedAt) {
    const ageSeconds = (now.getTime() - Date.parse(order.planClaimedAt)) / 1000;
    if (ageSeconds < deps.settings.claimLeaseSeconds) {
      // Another delivery holds the claim and may still be waiting for Transatel. It looks at the inventory itself
      // if the answer is lost, and its message comes back if it dies: look again after the lease, no call now.
      await enqueue(deps, order, 'order-plan', deps.settings.claimLeaseSeconds - ageSeconds + 1);
      return;
    }
    const evidence = await reconcilePlanOrder(deps, order);
    if (evidence.kind === 'found') return completeWith(deps, order, evidence.subscriptionId, evidence.note);
    if (evidence.kind === 'unproven') {
      await holdForReview(deps, order, { code: 'PLAN_OUTCOME_UNKNOWN', detail: evidence.detail });
      return;
    }
    deps.logger.warn('plan order not taken by Transatel (inventory proves it absent): ordering again', {
      orderId: order.orderId,
    });
  }

  const claim = await claimPlan(deps, order);
  if (!claim.applied) return; // another delivery of this order owns the plan claim now
  const claimed = claim.order;

  try {
    const result = await deps.transatel.ocsSubscriptions.order({
      msisdn,
      productId: planId,
      orderType,
      transactionReference: order.orderId,
    });
    const verb = orderType === 'preload' ? 'preloaded' : 'subscribed';
    await completeWith(
      deps,
      claimed,
      result.subscriptionId,
      result.subscriptionId ? `plan ${verb}` : `plan ${verb} (Transatel named no subscription)`,
    );
  } catch (error) {
    if (error instanceof TransatelUnknownOutcomeError) {
      const evidence = await reconcilePlanOrder(deps, claimed).catch(() => undefined);
      if (evidence?.kind === 'found')
        return completeWith(deps, claimed, evidence.subscriptionId, evidence.note);
      // Not visible (yet): keep the claim and look again once its lease has run out.
      await enqueue(deps, claimed, 'order-plan', deps.settings.claimLeaseSeconds + 1);
      return;
    }
    if (isPermanentTransatelError(error)) {
      await failOrder(deps, claimed, await refusalReason(deps, claimed, error));
      return;
    }
    // Refused before processing (429, token, connection refused): release the claim and try again soon.
    await releasePlanClaim(deps, claimed);
    throw error;
  }
}

/** Transatel's refusal of the plan; on a SIM in TestMode it is named so, with Transatel's own words. */
async function refusalReason(deps: WorkflowDeps, order: Order, error: unknown) {
  const reason = failureFromTransatel(error, 'PLAN_ORDER_REFUSED');
  if (order.orderType !== 'subscribe') return reason;
  const subscriber = await deps.transatel.connectivity.getSubscriber(order.iccid).catch(() => undefined);
  if (subscriber?.status !== 'TestMode') return reason;
  return { code: 'SIM_IN_TEST_MODE', detail: `${reason.code}: ${reason.detail}` };
}

async function completeWith(
  deps: WorkflowDeps,
  order: Order,
  subscriptionId: string | undefined,
  note: string,
): Promise<void> {
  await completePlan(deps, order, subscriptionId, note);
}
