import type { ConnectivityApi, Subscriber } from '../transatel/connectivity.js';
import { isTransatelError, TransatelUnknownOutcomeError } from '../transatel/errors.js';
import type { OrderOutcome } from '../workflow/intake.js';
import type { ItemFields, JobAction } from './job.js';

/**
 * One SIM's action, reconciled before it acts: the SIM is read first, and a SIM already as asked (suspended,
 * active, terminated, with the group, reference and options asked for) is done without a call. So an item whose
 * worker died after Transatel took its call, or whose answer was lost, is not acted on twice. A `plan` item is
 * an ordinary plan order, keyed by the job and the SIM, so that a second run finds the same order.
 */

export type ItemOutcome =
  | { status: 'DONE'; transactionId?: string; orderId?: string; detail?: string }
  | { status: 'FAILED'; title: string; detail: string }
  | { status: 'CANCELLED'; detail: string };

export interface ActionDeps {
  connectivity: Pick<ConnectivityApi, 'getSubscriber' | 'suspend' | 'reactivate' | 'terminate' | 'modify'>;
  /** A plan order through the plan intake (the one-open-order rule applies), idempotent on the key. */
  orderPlan(request: { iccid: string; planId: string; idempotencyKey: string }): Promise<OrderOutcome>;
}

/** Transatel's status once a lifecycle action is through. */
const targetStatus = { suspend: 'Suspended', reactivate: 'Active', terminate: 'Terminated' } as const;

/** A Transatel call whose outcome is unknown: the item keeps its claim and is reconciled on its next run. */
export class UncertainOutcomeError extends Error {
  override readonly name = 'UncertainOutcomeError';
}

function sameOptions(subscriber: Subscriber, wanted: ItemFields['options']): boolean {
  return (wanted ?? []).every((option) =>
    subscriber.options.some((held) => held.name === option.name && held.value === option.value),
  );
}

function isUpToDate(subscriber: Subscriber, fields: ItemFields): boolean {
  return (
    (fields.group === undefined || subscriber.group === fields.group) &&
    (fields.reference === undefined || subscriber.reference === fields.reference) &&
    sameOptions(subscriber, fields.options)
  );
}

async function act(
  deps: ActionDeps,
  action: Exclude<JobAction, 'plan'>,
  iccid: string,
  fields: ItemFields,
): Promise<ItemOutcome> {
  const subscriber = await deps.connectivity.getSubscriber(iccid);
  const ratePlan = subscriber.ratePlan === undefined ? {} : { ratePlan: subscriber.ratePlan };
  if (action === 'update') {
    if (isUpToDate(subscriber, fields)) return { status: 'DONE', detail: 'The SIM was already up to date' };
    const transaction = await deps.connectivity.modify(iccid, {
      ...ratePlan,
      ...(fields.options === undefined ? {} : { options: fields.options }),
      ...(fields.group === undefined ? {} : { group: fields.group }),
      ...(fields.reference === undefined ? {} : { reference: fields.reference }),
    });
    return { status: 'DONE', transactionId: transaction.transactionId };
  }
  const target = targetStatus[action];
  if (subscriber.status === target) return { status: 'DONE', detail: `The SIM was already ${target}` };
  const transaction = await deps.connectivity[action](iccid, {
    ...ratePlan,
    ...(fields.reference === undefined ? {} : { reference: fields.reference }),
  });
  return { status: 'DONE', transactionId: transaction.transactionId };
}

async function orderPlan(
  deps: ActionDeps,
  jobId: string,
  iccid: string,
  fields: ItemFields,
): Promise<ItemOutcome> {
  if (fields.planId === undefined) {
    return { status: 'FAILED', title: 'PLAN_REQUIRED', detail: 'No planId for this SIM' };
  }
  const outcome = await deps.orderPlan({
    iccid,
    planId: fields.planId,
    idempotencyKey: `${jobId}-${iccid}`,
  });
  switch (outcome.kind) {
    case 'accepted':
      return { status: 'DONE', orderId: outcome.value.orderId };
    case 'sim-busy':
      return {
        status: 'FAILED',
        title: 'SIM_HAS_OPEN_ORDER',
        detail: `SIM ${iccid} has an open order ${outcome.openOrderId}`,
      };
    case 'conflict':
      return { status: 'FAILED', title: 'IDEMPOTENCY_CONFLICT', detail: outcome.detail };
  }
}

/**
 * An item of a cancelled job that a dead worker held: DONE when the SIM is already as asked (that worker's call
 * went through), else left undone (CANCELLED), never acted on. A plan item cannot be read back: left undone.
 */
export async function reconcileItem(
  deps: ActionDeps,
  job: { jobId: string; action: JobAction },
  iccid: string,
  fields: ItemFields,
): Promise<ItemOutcome> {
  const undone = {
    status: 'CANCELLED',
    detail: 'The job was cancelled before this SIM was changed',
  } as const;
  if (job.action === 'plan') {
    return {
      status: 'CANCELLED',
      detail: "The job was cancelled; a plan may have been ordered: see the SIM's orders",
    };
  }
  const action = job.action;
  return asOutcome(async () => {
    const subscriber = await deps.connectivity.getSubscriber(iccid);
    const reached =
      action === 'update' ? isUpToDate(subscriber, fields) : subscriber.status === targetStatus[action];
    return reached ? { status: 'DONE', detail: 'The SIM was already as asked' } : undone;
  });
}

/** Transatel's permanent refusal as a FAILED outcome; an unknown outcome as UncertainOutcomeError. */
async function asOutcome(run: () => Promise<ItemOutcome>): Promise<ItemOutcome> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof TransatelUnknownOutcomeError) throw new UncertainOutcomeError(error.message);
    if (isTransatelError(error) && !error.transient) {
      return {
        status: 'FAILED',
        title: error.title ?? 'TRANSATEL_ERROR',
        detail: error.detail ?? error.message,
      };
    }
    throw error;
  }
}

/**
 * Runs the action on one SIM. A permanent Transatel refusal is a FAILED outcome with Transatel's title and
 * detail; an unknown outcome throws `UncertainOutcomeError`; a transient failure throws as it is.
 */
export async function performItem(
  deps: ActionDeps,
  job: { jobId: string; action: JobAction },
  iccid: string,
  fields: ItemFields,
): Promise<ItemOutcome> {
  return asOutcome(() =>
    job.action === 'plan' ? orderPlan(deps, job.jobId, iccid, fields) : act(deps, job.action, iccid, fields),
  );
}
