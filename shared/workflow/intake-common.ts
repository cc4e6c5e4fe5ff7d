import { forEachConcurrently } from '../concurrency.js';
import { failUnqueued as failUnqueuedMove } from '../order/lifecycle.js';
import { type ClaimRequest, hashRequest, type IdempotencyStore } from '../store/idempotency.js';
import { claimConcurrency } from '../store/open-order-marker.js';
import type { Order, OrderKind, OrderOption, OrderStatus } from '../store/order.js';
import type { OrderStore } from '../store/order-store.js';
import type { WorkflowMessage, WorkflowStep, WorkQueue } from './messages.js';

/**
 * What single-order and bulk intake share: their dependencies, an order's fields in and out, and
 * queueing first steps. An order whose message cannot be queued is failed visibly (ENQUEUE_FAILED)
 * rather than left waiting for a step that will never come.
 */

export interface IntakeDeps {
  store: OrderStore;
  idempotency: IdempotencyStore;
  queue: WorkQueue;
  now: () => Date;
}

export interface OrderFields {
  planId?: string | undefined;
  options?: OrderOption[] | undefined;
  reference?: string | undefined;
  group?: string | undefined;
}

export interface AcceptedOrder {
  orderId: string;
  iccid: string;
  status: OrderStatus;
  planId?: string;
}

export type IntakeOutcome<T> = { kind: 'accepted'; value: T } | { kind: 'conflict'; detail: string };

const firstStep: Record<OrderKind, WorkflowStep> = { activation: 'activate', plan: 'order-plan' };

export function describe(order: Order): AcceptedOrder {
  return {
    orderId: order.orderId,
    iccid: order.iccid,
    status: order.status,
    ...(order.planId === undefined ? {} : { planId: order.planId }),
  };
}

async function failUnqueued(
  deps: IntakeDeps,
  orders: readonly Order[],
  detail: string,
): Promise<Map<string, Order>> {
  const failed = new Map<string, Order>();
  for (const order of orders) {
    const result = await failUnqueuedMove(deps, order, detail);
    if (result.applied) failed.set(order.orderId, result.order);
  }
  return failed;
}

/** Queues the first step of each RECEIVED order; those SQS refused are failed with a reason. */
export async function queueFirstSteps(deps: IntakeDeps, orders: readonly Order[]): Promise<Order[]> {
  const pending = orders.filter((order) => order.status === 'RECEIVED');
  if (pending.length === 0) return [...orders];
  const messages: WorkflowMessage[] = pending.map((order) => ({
    orderId: order.orderId,
    step: firstStep[order.kind],
  }));
  let refused: Set<string>;
  try {
    const { failed } = await deps.queue.sendMany(messages);
    refused = new Set(failed.map((message) => message.orderId));
  } catch {
    refused = new Set(pending.map((order) => order.orderId));
  }
  if (refused.size === 0) return [...orders];
  const failed = await failUnqueued(
    deps,
    pending.filter((order) => refused.has(order.orderId)),
    'The order could not be queued; submit it again',
  );
  return orders.map((order) => failed.get(order.orderId) ?? order);
}

export interface OrderRequest extends OrderFields {
  kind: OrderKind;
  iccid: string;
  idempotencyKey?: string | undefined;
  /** A top-up ordered by a policy: which one, and the trigger, as the order's first timeline note. */
  policyId?: string | undefined;
  /** Activate before looking at the SIM (bulk roll-outs of Available SIMs). */
  activateFirst?: true | undefined;
  note?: string | undefined;
}

export function orderInput(request: OrderRequest, orderId: string) {
  return {
    kind: request.kind,
    iccid: request.iccid,
    orderId,
    planId: request.planId,
    options: request.options,
    reference: request.reference,
    group: request.group,
    idempotencyKey: request.idempotencyKey,
    policyId: request.policyId,
    activateFirst: request.activateFirst,
    note: request.note,
  };
}

/** A RECEIVED order is normally taken off its queue within seconds: older than this, its message was lost. */
export const STRANDED_AFTER_MS = 60_000;

/**
 * The open orders that refused new ones are looked at: one still RECEIVED long after it was written never got
 * its first step queued (the request that wrote it died before queueing). Its step is queued now, so that the
 * SIM it holds is not blocked for good; a step queued twice is a no-op. Best effort: the refusal stands either way.
 */
export async function queueStranded(deps: IntakeDeps, openOrderIds: readonly string[]): Promise<void> {
  await forEachConcurrently([...new Set(openOrderIds)], claimConcurrency, async (orderId) => {
    try {
      const order = await deps.store.get(orderId);
      if (order?.status !== 'RECEIVED') return;
      if (deps.now().getTime() - Date.parse(order.createdAt) < STRANDED_AFTER_MS) return;
      await deps.queue.send({ orderId, step: firstStep[order.kind] });
    } catch {
      // The next refused request looks again.
    }
  });
}

/**
 * An Idempotency-Key claimed for a request: the ids chosen for it now, or those of the first request with that
 * key (a replay), or a conflict when the key came with another request.
 */
export async function claimIdempotencyKey<Result>(
  deps: IntakeDeps,
  claim: Pick<ClaimRequest<Result>, 'scope' | 'key' | 'result' | 'resultSchema'> & { request: unknown },
): Promise<{ kind: 'conflict'; detail: string } | { kind: 'claimed'; replay: boolean; result: Result }> {
  const { request, ...rest } = claim;
  const outcome = await deps.idempotency.claim({
    ...rest,
    requestHash: hashRequest(request),
    now: deps.now(),
  });
  if (outcome.status === 'conflict') {
    return { kind: 'conflict', detail: 'This Idempotency-Key was already used with a different request' };
  }
  return { kind: 'claimed', replay: outcome.status === 'replayed', result: outcome.record.result };
}
