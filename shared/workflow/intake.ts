import type { IdempotencyStore } from '../store/idempotency.js';
import { hashRequest } from '../store/idempotency.js';
import { newOrder, type Order, type OrderKind, type OrderOption, type OrderStatus } from '../store/order.js';
import { newOrderId } from '../store/order-id.js';
import { OrderAlreadyExistsError, type OrderStore } from '../store/order-store.js';
import * as z from '../zod.js';
import type { WorkflowMessage, WorkflowStep, WorkQueue } from './messages.js';

/**
 * Accepting orders: record them, then queue their first step. Nothing here calls Transatel, so a
 * burst of thousands is absorbed by the queue. An order whose message cannot be queued is failed
 * visibly (ENQUEUE_FAILED) rather than left waiting for a step that will never come.
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

const firstStep: Record<OrderKind, WorkflowStep> = { activation: 'activate', plan: 'subscribe' };

const singleResultSchema = z.object({ orderId: z.string() });
const bulkResultSchema = z.object({ orderIds: z.array(z.string()) });

function describe(order: Order): AcceptedOrder {
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
    const result = await deps.store.transition(order.orderId, {
      from: 'RECEIVED',
      to: 'FAILED',
      set: { failure: { code: 'ENQUEUE_FAILED', detail } },
      note: 'ENQUEUE_FAILED',
      at: deps.now(),
    });
    if (result.applied) failed.set(order.orderId, result.order);
  }
  return failed;
}

/** Queues the first step of each RECEIVED order; those SQS refused are failed with a reason. */
async function queueFirstSteps(deps: IntakeDeps, orders: readonly Order[]): Promise<Order[]> {
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

interface OrderRequest extends OrderFields {
  kind: OrderKind;
  iccid: string;
  idempotencyKey?: string | undefined;
}

function orderInput(request: OrderRequest, orderId: string) {
  return {
    kind: request.kind,
    iccid: request.iccid,
    orderId,
    planId: request.planId,
    options: request.options,
    reference: request.reference,
    group: request.group,
    idempotencyKey: request.idempotencyKey,
  };
}

/** One order (an activation, or a plan for a SIM). The same Idempotency-Key and body give the same order. */
export async function acceptOrder(
  deps: IntakeDeps,
  request: OrderRequest,
): Promise<IntakeOutcome<AcceptedOrder>> {
  let orderId = newOrderId(deps.now().getTime());
  if (request.idempotencyKey) {
    const { idempotencyKey, ...fields } = request;
    const claim = await deps.idempotency.claim({
      scope: `${request.kind}-order`,
      key: idempotencyKey,
      requestHash: hashRequest(fields),
      result: { orderId },
      resultSchema: singleResultSchema,
      now: deps.now(),
    });
    if (claim.status === 'conflict') {
      return { kind: 'conflict', detail: 'This Idempotency-Key was already used with a different request' };
    }
    orderId = claim.record.result.orderId;
  }

  // On a replay the order may exist already (and have moved on): finish what the first request began.
  let order = await deps.store.get(orderId);
  if (!order) {
    order = newOrder(orderInput(request, orderId), deps.now());
    try {
      await deps.store.create(order);
    } catch (error) {
      if (!(error instanceof OrderAlreadyExistsError)) throw error;
      order = (await deps.store.get(orderId)) ?? order;
    }
  }
  const [queued] = await queueFirstSteps(deps, [order]);
  return { kind: 'accepted', value: describe(queued ?? order) };
}

export interface BulkItem extends OrderFields {
  iccid: string;
}

/** Many activation orders in one call: written in batches and queued in batches. */
export async function acceptBulkActivation(
  deps: IntakeDeps,
  items: readonly BulkItem[],
  idempotencyKey?: string,
): Promise<IntakeOutcome<AcceptedOrder[]>> {
  let orderIds = items.map(() => newOrderId(deps.now().getTime()));
  let replay = false;
  if (idempotencyKey) {
    const claim = await deps.idempotency.claim({
      scope: 'bulk-activation',
      key: idempotencyKey,
      requestHash: hashRequest(items),
      result: { orderIds },
      resultSchema: bulkResultSchema,
      now: deps.now(),
    });
    if (claim.status === 'conflict') {
      return { kind: 'conflict', detail: 'This Idempotency-Key was already used with a different request' };
    }
    replay = claim.status === 'replayed';
    orderIds = claim.record.result.orderIds;
  }

  const fresh = items.map((item, index) =>
    newOrder(
      orderInput({ ...item, kind: 'activation', idempotencyKey }, orderIds[index] as string),
      deps.now(),
    ),
  );
  let orders = fresh;
  if (replay) {
    // Batch writes cannot be conditional: never overwrite orders the first request already wrote.
    const existing = await Promise.all(orderIds.map((orderId) => deps.store.get(orderId)));
    const missing = fresh.filter((_, index) => existing[index] === undefined);
    if (missing.length > 0) await deps.store.createMany(missing);
    orders = fresh.map((order, index) => existing[index] ?? order);
  } else {
    await deps.store.createMany(fresh);
  }
  const queued = await queueFirstSteps(deps, orders);
  return { kind: 'accepted', value: queued.map(describe) };
}
