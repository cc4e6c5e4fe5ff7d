import { forEachConcurrently } from '../concurrency.js';
import { failUnqueued as failUnqueuedMove } from '../order/lifecycle.js';
import type { IdempotencyStore } from '../store/idempotency.js';
import { hashRequest } from '../store/idempotency.js';
import { claimConcurrency } from '../store/open-order-marker.js';
import {
  isTerminal,
  newOrder,
  type Order,
  type OrderKind,
  type OrderOption,
  type OrderStatus,
} from '../store/order.js';
import { newOrderId } from '../store/order-id.js';
import { OrderAlreadyExistsError, type OrderStore, SimHasOpenOrderError } from '../store/order-store.js';
import * as z from '../zod.js';
import type { WorkflowMessage, WorkflowStep, WorkQueue } from './messages.js';

/**
 * Accepting orders: record them, then queue their first step. Nothing here calls Transatel, so a
 * burst of thousands is absorbed by the queue. An order whose message cannot be queued is failed
 * visibly (ENQUEUE_FAILED) rather than left waiting for a step that will never come. A SIM has one
 * open order at a time (the store enforces it): a new order for a SIM whose order is neither
 * COMPLETED nor FAILED is refused, naming that order; an Idempotency-Key replay still gets its own.
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

/** The SIM has another order that is not final yet: nothing was written or queued for this request. */
export interface SimBusy {
  kind: 'sim-busy';
  iccid: string;
  openOrderId: string;
}

export type OrderOutcome = IntakeOutcome<AcceptedOrder> | SimBusy;

/** A bulk item refused because its SIM has an open order; `index` is its position in the items given. */
export interface BusySim {
  index: number;
  iccid: string;
  openOrderId: string;
}

export interface BulkAcceptance {
  orders: AcceptedOrder[];
  /** In item order. */
  busy: BusySim[];
}

const firstStep: Record<OrderKind, WorkflowStep> = { activation: 'activate', plan: 'order-plan' };

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
    const result = await failUnqueuedMove(deps, order, detail);
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
  /** A top-up ordered by a policy: which one, and the trigger, as the order's first timeline note. */
  policyId?: string | undefined;
  note?: string | undefined;
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
    policyId: request.policyId,
    note: request.note,
  };
}

function simBusy(error: SimHasOpenOrderError): SimBusy {
  return { kind: 'sim-busy', iccid: error.iccid, openOrderId: error.openOrderId };
}

/** A RECEIVED order is normally taken off its queue within seconds: older than this, its message was lost. */
export const STRANDED_AFTER_MS = 60_000;

/**
 * The open orders that refused new ones are looked at: one still RECEIVED long after it was written never got
 * its first step queued (the request that wrote it died before queueing). Its step is queued now, so that the
 * SIM it holds is not blocked for good; a step queued twice is a no-op. Best effort: the refusal stands either way.
 */
async function queueStranded(deps: IntakeDeps, openOrderIds: readonly string[]): Promise<void> {
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
 * The order with this id, written now or found written by an earlier request with the same
 * Idempotency-Key, holding its SIM; or the other open order of the SIM.
 */
async function writeOrFind(
  deps: IntakeDeps,
  request: OrderRequest,
  orderId: string,
): Promise<{ order: Order } | SimBusy> {
  // Found gone after "already exists": a concurrent request with the same key wrote it, then removed
  // it (its SIM was busy). Each round follows such a move, so a few rounds are plenty.
  for (let round = 0; round < 3; round += 1) {
    const existing = await deps.store.get(orderId);
    if (existing) {
      // A replay: the first request may have died between writing the order and claiming its SIM.
      try {
        await deps.store.claimSim(existing);
      } catch (error) {
        if (error instanceof SimHasOpenOrderError) return simBusy(error);
        throw error;
      }
      return { order: existing };
    }
    const order = newOrder(orderInput(request, orderId), deps.now());
    try {
      await deps.store.create(order);
      return { order };
    } catch (error) {
      if (error instanceof SimHasOpenOrderError) return simBusy(error);
      if (!(error instanceof OrderAlreadyExistsError)) throw error;
    }
  }
  throw new Error(`Order ${orderId} kept appearing and disappearing`);
}

/**
 * One order (an activation, or a plan for a SIM). The same Idempotency-Key and body give the same
 * order, even while it is open; another request for a SIM with an open order is `sim-busy`.
 */
export async function acceptOrder(deps: IntakeDeps, request: OrderRequest): Promise<OrderOutcome> {
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
  const written = await writeOrFind(deps, request, orderId);
  if ('kind' in written) {
    await queueStranded(deps, [written.openOrderId]);
    return written;
  }
  const [queued] = await queueFirstSteps(deps, [written.order]);
  return { kind: 'accepted', value: describe(queued ?? written.order) };
}

export interface BulkItem extends OrderFields {
  iccid: string;
}

/** Orders an earlier request with the same key wrote: those whose SIM another order holds, by index. */
async function reclaimExisting(
  deps: IntakeDeps,
  existing: readonly (Order | undefined)[],
): Promise<Map<number, string>> {
  const busy = new Map<number, string>();
  const open = existing.flatMap((order, index) =>
    order !== undefined && !isTerminal(order.status) ? [{ order, index }] : [],
  );
  await forEachConcurrently(open, claimConcurrency, async ({ order, index }) => {
    try {
      await deps.store.claimSim(order);
    } catch (error) {
      if (!(error instanceof SimHasOpenOrderError)) throw error;
      busy.set(index, error.openOrderId);
    }
  });
  return busy;
}

/**
 * Many activation orders in one call: written in batches and queued in batches. A SIM with an open
 * order is listed in `busy` (its order removed, nothing queued); the others go ahead.
 */
export async function acceptBulkActivation(
  deps: IntakeDeps,
  items: readonly BulkItem[],
  idempotencyKey?: string,
): Promise<IntakeOutcome<BulkAcceptance>> {
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
  const indexById = new Map(fresh.map((order, index) => [order.orderId, index]));
  let orders = fresh;
  let busy = new Map<number, string>();
  if (replay) {
    // Batch writes cannot be conditional: never overwrite orders the first request already wrote.
    const existing = await Promise.all(orderIds.map((orderId) => deps.store.get(orderId)));
    const missing = fresh.filter((_, index) => existing[index] === undefined);
    const refused = missing.length > 0 ? await deps.store.createMany(missing) : [];
    busy = await reclaimExisting(deps, existing);
    for (const { orderId, openOrderId } of refused) busy.set(indexById.get(orderId) as number, openOrderId);
    orders = fresh.map((order, index) => existing[index] ?? order);
  } else {
    const refused = await deps.store.createMany(fresh);
    for (const { orderId, openOrderId } of refused) busy.set(indexById.get(orderId) as number, openOrderId);
  }
  const kept = orders.filter((_, index) => !busy.has(index));
  const queued = await queueFirstSteps(deps, kept);
  await queueStranded(deps, [...busy.values()]);
  return {
    kind: 'accepted',
    value: {
      orders: queued.map(describe),
      busy: [...busy]
        .sort(([a], [b]) => a - b)
        .map(([index, openOrderId]) => ({ index, iccid: items[index]?.iccid as string, openOrderId })),
    },
  };
}
