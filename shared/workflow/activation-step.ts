import { requestActivation as requestActivationMove } from '../order/lifecycle.js';
import type { Order } from '../store/order.js';
import type { Subscriber } from '../transatel/connectivity.js';
import { TransatelApiError, TransatelUnknownOutcomeError } from '../transatel/errors.js';
import type { WorkflowDeps, WorkflowTransatel } from './deps.js';
import { failureFromTransatel, isPermanentTransatelError } from './failures.js';
import { enqueue, failOrder, markSimReadyAndQueuePlan } from './order-moves.js';
import { planOrderFor, readSubscriber } from './sim-status.js';

/** The activation step calls Connectivity Management only. */
export type ActivationStepDeps = WorkflowDeps<Pick<WorkflowTransatel, 'connectivity'>>;

/**
 * The activation worker's step: look at the SIM, then activate it (Available), or go straight to the
 * plan (Pre-activated: preload; Active or TestMode: subscribe). Safe to run twice for the same order.
 */
export async function runActivationStep(deps: ActivationStepDeps, orderId: string): Promise<void> {
  const order = await deps.store.get(orderId);
  if (!order) throw new Error(`Order ${orderId} does not exist`);
  if (order.status === 'ACTIVATING' || order.status === 'ACTIVE') {
    // Moved on, yet not final: the earlier run may have died between its transition and queueing the next
    // step. Queue it again; a duplicate step is a no-op, a missing one would leave the order waiting forever.
    const next = order.status === 'ACTIVATING' ? 'await-activation' : 'order-plan';
    await enqueue(deps, order, next, next === 'await-activation' ? await firstCheckDelaySeconds(deps) : 0);
    return;
  }
  if (order.status !== 'RECEIVED') {
    deps.logger.info('activate step skipped: order is settled', { orderId, status: order.status });
    return;
  }
  // A SIM of a bulk roll-out is expected Available: activate it, and look at it only if Transatel refuses.
  if (order.activateFirst) return requestActivation(deps, order);
  const subscriber = await readSubscriber(deps, order);
  if (subscriber) await routeBySimStatus(deps, order, subscriber);
}

async function routeBySimStatus(
  deps: ActivationStepDeps,
  order: Order,
  subscriber: Subscriber,
): Promise<void> {
  if (subscriber.status === 'Available') return requestActivation(deps, order);
  const planOrder = planOrderFor(subscriber);
  if (planOrder) {
    const sim = { msisdn: subscriber.msisdn, orderType: planOrder.orderType };
    return markSimReadyAndQueuePlan(deps, order, sim, planOrder.note);
  }
  await failOrder(deps, order, {
    code: 'SIM_NOT_ACTIVATABLE',
    detail: `The SIM is ${subscriber.status}; only Available, Pre-activated, Active or TestMode SIMs can take an activation order`,
  });
}

type ActivationAttempt =
  | { kind: 'accepted'; transactionId: string | undefined }
  | { kind: 'in-progress' }
  | { kind: 'refused'; error: unknown }
  | { kind: 'unknown' };

/**
 * One activation request, its outcome classified. Any 2xx is an acceptance, whatever its body. A 409 says a
 * transaction is already pending on the SIM (an earlier request of ours whose answer was lost). Transient
 * failures are thrown: SQS delivers the message again.
 */
async function tryActivate(deps: ActivationStepDeps, order: Order): Promise<ActivationAttempt> {
  try {
    const transaction = await deps.transatel.connectivity.activate(order.iccid, {
      options: order.options,
      reference: order.reference,
      group: order.group,
    });
    return { kind: 'accepted', transactionId: transaction.transactionId };
  } catch (error) {
    if (error instanceof TransatelApiError && error.status === 409) return { kind: 'in-progress' };
    if (error instanceof TransatelUnknownOutcomeError) return { kind: 'unknown' };
    if (isPermanentTransatelError(error)) return { kind: 'refused', error };
    throw error;
  }
}

/** Transatel does not know the SIM: nothing to look at before failing the order. */
function isUnknownSim(error: unknown): boolean {
  return error instanceof TransatelApiError && error.status === 404;
}

async function requestActivation(deps: ActivationStepDeps, order: Order): Promise<void> {
  let attempt = await tryActivate(deps, order);
  if (attempt.kind === 'unknown') {
    // The answer was lost. Look before sending again; a second request for a taken activation is refused.
    deps.logger.warn('activation outcome unknown, reconciling', {
      orderId: order.orderId,
      iccid: order.iccid,
    });
    const subscriber = await deps.transatel.connectivity.getSubscriber(order.iccid);
    if (subscriber.status !== 'Available') return routeBySimStatus(deps, order, subscriber);
    attempt = await tryActivate(deps, order);
    if (attempt.kind === 'unknown')
      throw new Error('Activation outcome still unknown after reconciling; will retry');
  }
  if (attempt.kind === 'refused' && isUnknownSim(attempt.error)) {
    await failOrder(deps, order, failureFromTransatel(attempt.error, 'ACTIVATION_REFUSED'));
    return;
  }
  if (attempt.kind === 'refused') {
    // A refusal is only final while the SIM is still Available: one that moved on (our earlier request went
    // through after all, or someone activated it, or a bulk order's SIM was never Available) is routed by its
    // status instead. A SIM read Available a moment ago that cannot be read now: the refusal stands. A bulk
    // order activated without a look (activateFirst): its refusal says nothing until the SIM is read, so a
    // read that fails for now is retried (SQS delivers the message again).
    const subscriber = await deps.transatel.connectivity
      .getSubscriber(order.iccid)
      .catch((error: unknown) => {
        if (order.activateFirst && !isPermanentTransatelError(error)) throw error;
        return undefined;
      });
    if (subscriber && subscriber.status !== 'Available') return routeBySimStatus(deps, order, subscriber);
    await failOrder(deps, order, failureFromTransatel(attempt.error, 'ACTIVATION_REFUSED'));
    return;
  }

  const transactionId = attempt.kind === 'accepted' ? attempt.transactionId : undefined;
  const note =
    attempt.kind === 'in-progress'
      ? 'activation already in progress at Transatel'
      : transactionId
        ? `activation requested (transaction ${transactionId})`
        : 'activation requested (Transatel named no transaction)';
  const result = await requestActivationMove(deps, order, transactionId, note);
  if (result.applied)
    await enqueue(deps, result.order, 'await-activation', await firstCheckDelaySeconds(deps));
}

/**
 * The first status check is a fallback for a late ACTIVATED webhook: it comes after the stage's first delay,
 * or later when the plan workers have seen webhooks take longer (never past the activation deadline).
 */
async function firstCheckDelaySeconds(deps: ActivationStepDeps): Promise<number> {
  const expected = (await deps.webhookTiming?.expectedSeconds(deps.now())) ?? 0;
  return Math.min(
    Math.max(deps.settings.firstPollDelaySeconds, expected),
    deps.settings.activationDeadlineSeconds + 1,
  );
}
