import type { Order } from '../store/order.js';
import { TransatelUnknownOutcomeError } from '../transatel/errors.js';
import type { ProductSubscription } from '../transatel/ocs-inventory.js';
import type { WorkflowDeps } from './deps.js';
import { failureFromTransatel, isPermanentTransatelError } from './failures.js';
import { MAX_DELAY_SECONDS } from './messages.js';
import { enqueue, enteredAt, failOrder, markSimReady } from './order-moves.js';

/**
 * The subscription worker's step, chosen by the order's state (the message only names the order):
 * a plan order is routed by the SIM's status, an activating SIM is checked, an active one gets its plan.
 */
export async function runSubscriptionStep(deps: WorkflowDeps, orderId: string): Promise<void> {
  const order = await deps.store.get(orderId);
  if (!order) throw new Error(`Order ${orderId} does not exist`);
  switch (order.status) {
    case 'RECEIVED':
      if (order.kind === 'plan') return routePlanOrder(deps, order);
      return; // an activation order's first step belongs to the activation worker
    case 'ACTIVATING':
      return checkActivation(deps, order);
    case 'ACTIVE':
      return subscribePlan(deps, order);
    default:
      deps.logger.info('subscription step skipped: order is final', { orderId, status: order.status });
  }
}

/** A plan (top-up) order: preload on a Pre-activated SIM, subscribe on an Active one, refuse otherwise. */
async function routePlanOrder(deps: WorkflowDeps, order: Order): Promise<void> {
  let subscriber: Awaited<ReturnType<WorkflowDeps['transatel']['connectivity']['getSubscriber']>>;
  try {
    subscriber = await deps.transatel.connectivity.getSubscriber(order.iccid);
  } catch (error) {
    if (!isPermanentTransatelError(error)) throw error;
    await failOrder(deps, order, failureFromTransatel(error, 'SUBSCRIBER_LOOKUP_FAILED'));
    return;
  }
  if (subscriber.status === 'Pre-activated' || subscriber.status === 'Active') {
    const orderType = subscriber.status === 'Active' ? 'subscribe' : 'preload';
    const ready = await markSimReady(
      deps,
      order,
      'RECEIVED',
      { msisdn: subscriber.msisdn, orderType },
      `SIM ${subscriber.status}`,
      'caller',
    );
    if (ready) await subscribePlan(deps, ready);
    return;
  }
  await failOrder(deps, order, {
    code: 'SIM_NOT_ACTIVE',
    detail: `The SIM is ${subscriber.status}; a plan needs an Active or Pre-activated SIM`,
  });
}

/** Polling fallback for the ACTIVATED webhook: with backoff, until the stage's activation deadline. */
async function checkActivation(deps: WorkflowDeps, order: Order): Promise<void> {
  const { connectivity } = deps.transatel;
  const subscriber = await connectivity.getSubscriber(order.iccid);
  if (subscriber.status === 'Active') {
    // This worker orders plans: go on with the plan now rather than queue a message to itself.
    const ready = await markSimReady(
      deps,
      order,
      'ACTIVATING',
      { msisdn: subscriber.msisdn, orderType: 'subscribe' },
      'SIM active (status check)',
      'caller',
    );
    if (ready) await subscribePlan(deps, ready);
    return;
  }
  if (subscriber.status !== 'Available') {
    await failOrder(deps, order, {
      code: 'SIM_NOT_ACTIVATED',
      detail: `The SIM went ${subscriber.status} instead of Active`,
    });
    return;
  }
  if (order.transactionId) {
    const transaction = await connectivity.getTransaction(order.transactionId);
    if (transaction.state === 'FAILED') {
      await failOrder(deps, order, {
        code: transaction.errorCode ?? 'ACTIVATION_FAILED',
        detail: transaction.errorMessage ?? `Transatel transaction ${order.transactionId} failed`,
      });
      return;
    }
  }

  const now = deps.now().getTime();
  const since = enteredAt(order, 'ACTIVATING').getTime();
  const deadline = since + deps.settings.activationDeadlineSeconds * 1000;
  if (now >= deadline) {
    await failOrder(deps, order, {
      code: 'ACTIVATION_DEADLINE_PASSED',
      detail: `The SIM was not Active ${deps.settings.activationDeadlineSeconds} s after the activation request`,
    });
    return;
  }
  const counted = await deps.store.transition(order.orderId, {
    from: 'ACTIVATING',
    to: 'ACTIVATING',
    expectedVersion: order.version,
    increment: { statusPolls: 1 },
    at: deps.now(),
  });
  if (!counted.applied) return; // the webhook moved it meanwhile
  // Back off in proportion to the time already waited: frequent checks early, at most SQS's 15 minutes later.
  const elapsedSeconds = (now - since) / 1000;
  const delay = Math.min(
    MAX_DELAY_SECONDS,
    Math.max(deps.settings.firstPollDelaySeconds, elapsedSeconds / 2),
    (deadline - now) / 1000 + 1,
  );
  await enqueue(deps, counted.order, 'await-activation', delay);
}

/**
 * Orders the plan, at most once per order. A claim (a conditional write on status and version) makes
 * one invocation the owner; an ambiguous answer is reconciled against the inventory before any new order.
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
    const existing = await findOrderedProduct(deps, order);
    if (existing)
      return completeWith(deps, order, existing.subscriptionId, 'plan found in inventory (reconciled)');
    const ageSeconds = (now.getTime() - Date.parse(order.planClaimedAt)) / 1000;
    if (ageSeconds < deps.settings.claimLeaseSeconds) {
      // Another invocation holds the claim and may still be waiting for Transatel: look again after its lease.
      await enqueue(deps, order, 'subscribe', deps.settings.claimLeaseSeconds - ageSeconds + 1);
      return;
    }
    deps.logger.warn('stale plan claim and no product in inventory: ordering again', {
      orderId: order.orderId,
    });
  }

  const claim = await deps.store.transition(order.orderId, {
    from: 'ACTIVE',
    to: 'ACTIVE',
    expectedVersion: order.version,
    set: { planClaimedAt: now.toISOString() },
    increment: { subscriptionCalls: 1 },
    at: now,
  });
  if (!claim.applied) return; // another delivery of this order owns the subscription now
  const claimed = claim.order;

  try {
    const result = await deps.transatel.ocsSubscriptions.order({
      msisdn,
      productId: planId,
      orderType,
      transactionReference: order.orderId,
    });
    await completeWith(
      deps,
      claimed,
      result.subscriptionId,
      `plan ${orderType === 'preload' ? 'preloaded' : 'subscribed'}`,
    );
  } catch (error) {
    if (error instanceof TransatelUnknownOutcomeError) {
      const existing = await findOrderedProduct(deps, claimed).catch(() => undefined);
      if (existing)
        return completeWith(deps, claimed, existing.subscriptionId, 'plan found in inventory (reconciled)');
      // Not visible (yet): keep the claim and look again once its lease has run out.
      await enqueue(deps, claimed, 'subscribe', deps.settings.claimLeaseSeconds + 1);
      return;
    }
    if (isPermanentTransatelError(error)) {
      await failOrder(deps, claimed, failureFromTransatel(error, 'PLAN_ORDER_REFUSED'));
      return;
    }
    // Refused before processing (429, token, connection refused): release the claim and try again soon.
    await deps.store.transition(order.orderId, {
      from: 'ACTIVE',
      to: 'ACTIVE',
      expectedVersion: claimed.version,
      set: { planClaimedAt: undefined },
      at: deps.now(),
    });
    throw error;
  }
}

async function completeWith(
  deps: WorkflowDeps,
  order: Order,
  subscriptionId: string,
  note: string,
): Promise<void> {
  await deps.store.transition(order.orderId, {
    from: 'ACTIVE',
    to: 'COMPLETED',
    set: { subscriptionId, planClaimedAt: undefined },
    note,
    at: deps.now(),
  });
}

/**
 * The product this order put on the SIM, if Transatel has it: matched on the transactionReference we
 * sent (the order id) or, where a tenant does not echo it, the same product subscribed after the claim.
 */
async function findOrderedProduct(
  deps: WorkflowDeps,
  order: Order,
): Promise<ProductSubscription | undefined> {
  if (!order.msisdn) return undefined;
  const products = await deps.transatel.ocsInventory.listProducts(order.msisdn);
  const byReference = products.find((product) => product.transactionReference === order.orderId);
  if (byReference || products.some((product) => product.transactionReference !== undefined))
    return byReference;
  const claimedAt = order.planClaimedAt ? Date.parse(order.planClaimedAt) : Number.NaN;
  return products.find(
    (product) =>
      product.productId === order.planId &&
      product.subscribedAt !== undefined &&
      Date.parse(product.subscribedAt) >= claimedAt - 60_000,
  );
}
