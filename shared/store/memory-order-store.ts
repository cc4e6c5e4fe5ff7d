import {
  claimExistingOrder,
  claimNewOrder,
  claimNewOrders,
  openOrderIdOf,
  releaseAfter,
  type SimMarkerOps,
} from './open-order-marker.js';
import { isTerminal, type Order, orderSchema } from './order.js';
import {
  conflictReason,
  OrderAlreadyExistsError,
  type OrderStore,
  planTransition,
  type RefusedOrder,
  type TransitionPlan,
  type TransitionRequest,
  type TransitionResult,
  toConflict,
} from './order-store.js';

function applyPlan(order: Order, plan: TransitionPlan): Order {
  const next: Order = structuredClone(order);
  next.status = plan.to;
  next.version = order.version + 1;
  next.updatedAt = plan.updatedAt;
  if (plan.timelineEntry) next.timeline.push({ ...plan.timelineEntry });
  for (const [field, value] of plan.assignments) Object.assign(next, { [field]: structuredClone(value) });
  for (const field of plan.removals) delete next[field];
  for (const [counter, amount] of plan.increments)
    next.attempts[counter] = (next.attempts[counter] ?? 0) + amount;
  return orderSchema.parse(next);
}

/** A SIM's open-order marker, as the DynamoDB adapter stores it (without its key). */
export interface SimMarker {
  openOrderId: string;
  since: string;
}

/**
 * In-memory `OrderStore` with the DynamoDB adapter's semantics, for fast tests. Copies in and out.
 * Each marker primitive is atomic and the shared claim code awaits between them, so concurrent
 * creates interleave as they do against DynamoDB.
 */
export class MemoryOrderStore implements OrderStore {
  readonly #orders = new Map<string, Order>();
  /** The SIMs' open-order markers by ICCID; tests may plant one to play a lost release. */
  readonly simMarkers = new Map<string, SimMarker>();

  readonly #markers: SimMarkerOps = {
    claim: async (iccid, orderId, since) => {
      const marker = this.simMarkers.get(iccid);
      if (marker && marker.openOrderId !== orderId) return false;
      this.simMarkers.set(iccid, { openOrderId: orderId, since: marker?.since ?? since });
      return true;
    },
    holder: async (iccid) => this.simMarkers.get(iccid)?.openOrderId,
    takeOver: async (iccid, staleOrderId, orderId, since) => {
      if (this.simMarkers.get(iccid)?.openOrderId !== staleOrderId) return false;
      this.simMarkers.set(iccid, { openOrderId: orderId, since });
      return true;
    },
    release: async (iccid, orderId) => {
      if (this.simMarkers.get(iccid)?.openOrderId === orderId) this.simMarkers.delete(iccid);
    },
    getOrder: (orderId) => this.get(orderId),
    removeUntouched: async (orderId) => {
      const order = this.#orders.get(orderId);
      if (order?.status === 'RECEIVED' && order.version === 1) this.#orders.delete(orderId);
    },
  };

  async create(order: Order): Promise<void> {
    const parsed = orderSchema.parse(order);
    if (this.#orders.has(parsed.orderId)) throw new OrderAlreadyExistsError(parsed.orderId);
    this.#orders.set(parsed.orderId, structuredClone(parsed));
    await claimNewOrder(this.#markers, parsed);
  }

  async createMany(orders: readonly Order[]): Promise<RefusedOrder[]> {
    const seen = new Set<string>();
    const parsed = orders.map((order) => {
      if (seen.has(order.orderId)) throw new OrderAlreadyExistsError(order.orderId);
      seen.add(order.orderId);
      return orderSchema.parse(order);
    });
    for (const order of parsed) this.#orders.set(order.orderId, structuredClone(order));
    return claimNewOrders(this.#markers, parsed);
  }

  async claimSim(order: Order): Promise<void> {
    await claimExistingOrder(this.#markers, orderSchema.parse(order));
  }

  async findOpenOrderId(iccid: string): Promise<string | undefined> {
    return openOrderIdOf(this.#markers, iccid);
  }

  async get(orderId: string): Promise<Order | undefined> {
    const order = this.#orders.get(orderId);
    return order ? structuredClone(order) : undefined;
  }

  async getMany(orderIds: readonly string[]): Promise<Map<string, Order>> {
    const found = new Map<string, Order>();
    for (const orderId of orderIds) {
      const order = this.#orders.get(orderId);
      if (order) found.set(orderId, structuredClone(order));
    }
    return found;
  }

  async markedOrderIds(iccids: readonly string[]): Promise<Map<string, string>> {
    const marked = new Map<string, string>();
    for (const iccid of iccids) {
      const marker = this.simMarkers.get(iccid);
      if (marker) marked.set(iccid, marker.openOrderId);
    }
    return marked;
  }

  async transition(orderId: string, request: TransitionRequest): Promise<TransitionResult> {
    const plan = planTransition(request);
    const current = this.#orders.get(orderId);
    if (conflictReason(current, plan) !== undefined || current === undefined) {
      return {
        applied: false,
        conflict: toConflict(orderId, plan, current ? structuredClone(current) : undefined),
      };
    }
    const next = applyPlan(current, plan);
    this.#orders.set(orderId, next);
    await releaseAfter(this.#markers, next);
    return { applied: true, order: structuredClone(next) };
  }

  async findByTransactionId(transactionId: string): Promise<Order | undefined> {
    const matches = [...this.#orders.values()].filter((order) => order.transactionId === transactionId);
    const newest = matches.sort((a, b) => b.createdAt.localeCompare(a.createdAt))[0];
    return newest ? structuredClone(newest) : undefined;
  }

  async findActiveByIccid(iccid: string): Promise<Order[]> {
    return [...this.#orders.values()]
      .filter((order) => order.iccid === iccid && !isTerminal(order.status))
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt))
      .map((order) => structuredClone(order));
  }

  async listByIccid(iccid: string): Promise<Order[]> {
    return [...this.#orders.values()]
      .filter((order) => order.iccid === iccid)
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt))
      .map((order) => structuredClone(order));
  }
}
