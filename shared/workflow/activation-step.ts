import type { Order } from '../store/order.js';
import type { Subscriber } from '../transatel/connectivity.js';
import { TransatelApiError, TransatelUnknownOutcomeError } from '../transatel/errors.js';
import type { WorkflowDeps, WorkflowTransatel } from './deps.js';
import { failureFromTransatel, isPermanentTransatelError } from './failures.js';
import { enqueue, failOrder, markSimReady } from './order-moves.js';

/** The activation step calls Connectivity Management only. */
export type ActivationStepDeps = WorkflowDeps<Pick<WorkflowTransatel, 'connectivity'>>;

/**
 * The activation worker's step: look at the SIM, then activate it (Available), or go straight to the
 * plan (Pre-activated: preload; Active: subscribe). Safe to run twice for the same order.
 */
export async function runActivateStep(deps: ActivationStepDeps, orderId: string): Promise<void> {
  const order = await deps.store.get(orderId);
  if (!order) throw new Error(`Order ${orderId} does not exist`);
  if (order.status === 'ACTIVATING' || order.status === 'ACTIVE') {
    // Moved on, yet not final: the earlier run may have died between its transition and queueing the next
    // step. Queue it again; a duplicate step is a no-op, a missing one would leave the order waiting forever.
    const next = order.status === 'ACTIVATING' ? 'await-activation' : 'subscribe';
    await enqueue(deps, order, next, next === 'await-activation' ? deps.settings.firstPollDelaySeconds : 0);
    return;
  }
  if (order.status !== 'RECEIVED') {
    deps.logger.info('activate step skipped: order is final', { orderId, status: order.status });
    return;
  }
  const subscriber = await readSubscriber(deps, order);
  if (subscriber) await routeBySimStatus(deps, order, subscriber);
}

async function readSubscriber(deps: ActivationStepDeps, order: Order): Promise<Subscriber | undefined> {
  try {
    return await deps.transatel.connectivity.getSubscriber(order.iccid);
  } catch (error) {
    if (!isPermanentTransatelError(error)) throw error;
    await failOrder(deps, order, failureFromTransatel(error, 'SUBSCRIBER_LOOKUP_FAILED'));
    return undefined;
  }
}

async function routeBySimStatus(
  deps: ActivationStepDeps,
  order: Order,
  subscriber: Subscriber,
): Promise<void> {
  switch (subscriber.status) {
    case 'Available':
      return requestActivation(deps, order);
    case 'Pre-activated':
      await markSimReady(
        deps,
        order,
        'RECEIVED',
        { msisdn: subscriber.msisdn, orderType: 'preload' },
        'SIM pre-activated: plan will be preloaded',
      );
      return;
    case 'Active':
      await markSimReady(
        deps,
        order,
        'RECEIVED',
        { msisdn: subscriber.msisdn, orderType: 'subscribe' },
        'SIM already active',
      );
      return;
    default:
      await failOrder(deps, order, {
        code: 'SIM_NOT_ACTIVATABLE',
        detail: `The SIM is ${subscriber.status}; only Available, Pre-activated or Active SIMs can take an activation order`,
      });
  }
}

/** A second activation refused this way means the first one was taken: the SIM is on its way to Active. */
function provesEarlierActivation(error: unknown): boolean {
  return (
    error instanceof TransatelApiError &&
    (error.status === 409 || /not ready for activation/i.test(error.detail ?? ''))
  );
}

type ActivationAttempt =
  | { kind: 'accepted'; transactionId: string | undefined }
  | { kind: 'refused'; error: unknown }
  | { kind: 'unknown' };

/** One activation request, its outcome classified. Transient failures are thrown: SQS delivers again. */
async function tryActivate(deps: ActivationStepDeps, order: Order): Promise<ActivationAttempt> {
  try {
    const transaction = await deps.transatel.connectivity.activate(order.iccid, {
      options: order.options,
      reference: order.reference,
      group: order.group,
    });
    return { kind: 'accepted', transactionId: transaction.transactionId };
  } catch (error) {
    if (provesEarlierActivation(error)) return { kind: 'accepted', transactionId: undefined };
    if (error instanceof TransatelUnknownOutcomeError) return { kind: 'unknown' };
    if (isPermanentTransatelError(error)) return { kind: 'refused', error };
    throw error;
  }
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
  if (attempt.kind === 'refused') {
    await failOrder(deps, order, failureFromTransatel(attempt.error, 'ACTIVATION_REFUSED'));
    return;
  }

  const { transactionId } = attempt;
  const result = await deps.store.transition(order.orderId, {
    from: 'RECEIVED',
    to: 'ACTIVATING',
    set: transactionId ? { transactionId } : {},
    increment: { activationCalls: 1 },
    note: transactionId
      ? `activation requested (transaction ${transactionId})`
      : 'activation already requested earlier',
    at: deps.now(),
  });
  if (result.applied)
    await enqueue(deps, result.order, 'await-activation', deps.settings.firstPollDelaySeconds);
}
