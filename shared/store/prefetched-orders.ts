import type { Order } from './order.js';
import type { OrderStore, TransitionRequest } from './order-store.js';

/**
 * A batch's orders, read in one request before its records run (a worker's `prepareBatch`); each copy serves
 * one read. A copy is at most one batch old. A step acting on one that went stale does at worst what a read
 * that went stale just before it would: a Transatel call a fresh read would have spared (refused, or found in
 * progress), a write refused by its condition; never a second plan, since every move is a write conditional on
 * the status it read, and the plan claim on the version.
 */
export class PrefetchedOrders {
  readonly #unread: Map<string, Order>;

  constructor(orders: ReadonlyMap<string, Order>) {
    this.#unread = new Map(orders);
  }

  static async read(store: OrderStore, orderIds: readonly string[]): Promise<PrefetchedOrders> {
    return new PrefetchedOrders(await store.getMany(orderIds));
  }

  /** The order's copy, once: undefined when none was read or it was taken (or written) since. */
  take(orderId: string): Order | undefined {
    const copy = this.#unread.get(orderId);
    this.#unread.delete(orderId);
    return copy;
  }

  /** The copy of the order with this activation transaction, once (the events worker's ACTIVATED events). */
  takeByTransactionId(transactionId: string): Order | undefined {
    for (const copy of this.#unread.values()) {
      if (copy.transactionId === transactionId) return this.take(copy.orderId);
    }
    return undefined;
  }

  get size(): number {
    return this.#unread.size;
  }
}

/**
 * The batch's records' store: the first `get` of a prefetched order takes its copy, every later one (a second
 * record of the same order, a read after a move) reads the table.
 */
export class PrefetchingOrderStore implements OrderStore {
  constructor(
    private readonly store: OrderStore,
    private readonly prefetched: PrefetchedOrders,
  ) {}

  async get(orderId: string, options?: { consistent?: boolean }): Promise<Order | undefined> {
    return this.prefetched.take(orderId) ?? this.store.get(orderId, options);
  }

  getMany(orderIds: readonly string[]): Promise<Map<string, Order>> {
    return this.store.getMany(orderIds);
  }

  transition(orderId: string, request: TransitionRequest) {
    this.prefetched.take(orderId);
    return this.store.transition(orderId, request);
  }

  create(order: Order) {
    return this.store.create(order);
  }

  createMany(orders: readonly Order[]) {
    return this.store.createMany(orders);
  }

  claimSim(order: Order) {
    return this.store.claimSim(order);
  }

  findOpenOrderId(iccid: string) {
    return this.store.findOpenOrderId(iccid);
  }

  async findByTransactionId(transactionId: string): Promise<Order | undefined> {
    return (
      this.prefetched.takeByTransactionId(transactionId) ?? this.store.findByTransactionId(transactionId)
    );
  }

  markedOrderIds(iccids: readonly string[]) {
    return this.store.markedOrderIds(iccids);
  }

  findActiveByIccid(iccid: string) {
    return this.store.findActiveByIccid(iccid);
  }

  listByIccid(iccid: string) {
    return this.store.listByIccid(iccid);
  }
}

/** `deps` whose store serves the batch's prefetched orders first (none: `deps` as they are). */
export function readingPrefetched<Deps extends { store: OrderStore }>(
  deps: Deps,
  prefetched: PrefetchedOrders | undefined,
): Deps {
  if (!prefetched || prefetched.size === 0) return deps;
  return { ...deps, store: new PrefetchingOrderStore(deps.store, prefetched) };
}
