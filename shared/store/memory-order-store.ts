import { isTerminal, type Order, orderSchema } from './order.js';
import {
  conflictReason,
  OrderAlreadyExistsError,
  type OrderStore,
  planTransition,
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

/** In-memory `OrderStore` with the DynamoDB adapter's semantics, for fast tests. Copies in and out. */
export class MemoryOrderStore implements OrderStore {
  readonly #orders = new Map<string, Order>();

  async create(order: Order): Promise<void> {
    const parsed = orderSchema.parse(order);
    if (this.#orders.has(parsed.orderId)) throw new OrderAlreadyExistsError(parsed.orderId);
    this.#orders.set(parsed.orderId, structuredClone(parsed));
  }

  async createMany(orders: readonly Order[]): Promise<void> {
    const seen = new Set<string>();
    const parsed = orders.map((order) => {
      if (seen.has(order.orderId)) throw new OrderAlreadyExistsError(order.orderId);
      seen.add(order.orderId);
      return orderSchema.parse(order);
    });
    for (const order of parsed) this.#orders.set(order.orderId, structuredClone(order));
  }

  async get(orderId: string): Promise<Order | undefined> {
    const order = this.#orders.get(orderId);
    return order ? structuredClone(order) : undefined;
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
}
