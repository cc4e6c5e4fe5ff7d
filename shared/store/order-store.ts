import {
  type AttemptCounter,
  type Order,
  type OrderChanges,
  type OrderStatus,
  orderChangesSchema,
  type TimelineEntry,
} from './order.js';

/**
 * A conditional move of one order: applied only if the order is in one of the `from` states (and
 * at `expectedVersion` when given). Applying it sets `status`, bumps `version` and `updatedAt`,
 * and appends a timeline entry.
 */
export interface TransitionRequest {
  from: OrderStatus | readonly OrderStatus[];
  to: OrderStatus;
  expectedVersion?: number;
  /** Fields to write; a field given as `undefined` is removed. */
  set?: OrderChanges;
  /** Counters to add to (atomically, whatever their current value). Not combinable with `set.attempts`. */
  increment?: Partial<Record<AttemptCounter, number>>;
  note?: string;
  /** Transition time; defaults to now. */
  at?: Date;
}

export type TransitionConflictReason = 'not_found' | 'status_mismatch' | 'version_mismatch';

export interface TransitionConflict {
  orderId: string;
  reason: TransitionConflictReason;
  expected: { from: readonly OrderStatus[]; version?: number };
  /** The order as it was read right after the failed write (absent when it does not exist). */
  current?: Order;
}

/** Either the updated order, or why nothing was written. Never a silent overwrite. */
export type TransitionResult =
  | { applied: true; order: Order }
  | { applied: false; conflict: TransitionConflict };

export class TransitionConflictError extends Error {
  override readonly name = 'TransitionConflictError';

  constructor(readonly conflict: TransitionConflict) {
    const found = conflict.current ? ` (found ${conflict.current.status} v${conflict.current.version})` : '';
    super(`Order ${conflict.orderId}: transition refused, ${conflict.reason}${found}`);
  }
}

/** The updated order, or throws `TransitionConflictError` for callers that treat a conflict as a bug. */
export function requireApplied(result: TransitionResult): Order {
  if (!result.applied) throw new TransitionConflictError(result.conflict);
  return result.order;
}

export class OrderAlreadyExistsError extends Error {
  override readonly name = 'OrderAlreadyExistsError';

  constructor(readonly orderId: string) {
    super(`Order ${orderId} already exists`);
  }
}

/** A SIM already has an order that is neither COMPLETED nor FAILED: a new one waits until it is. */
export class SimHasOpenOrderError extends Error {
  override readonly name = 'SimHasOpenOrderError';

  constructor(
    readonly iccid: string,
    readonly openOrderId: string,
  ) {
    super(`SIM ${iccid} has an open order ${openOrderId}`);
  }
}

/** An order `createMany` did not keep, because its SIM has another open order. */
export interface RefusedOrder {
  orderId: string;
  iccid: string;
  openOrderId: string;
}

/**
 * One open order per SIM. Each SIM with an open order has a marker naming it; `create` claims the
 * marker with a conditional write after writing the order, and a transition to a final status
 * releases it. A marker whose order is final or missing (a release or a rollback that was lost) is
 * stale, and the next claim takes it over with a conditional write on the holder it read.
 */
export interface OrderStore {
  /**
   * Writes a new order, then makes it its SIM's open order. Throws `OrderAlreadyExistsError` if the
   * id is taken, or `SimHasOpenOrderError` (after removing the order again) if another order of the
   * SIM is open.
   */
  create(order: Order): Promise<void>;
  /**
   * Writes many new orders in batches (unconditionally: only for orders with freshly generated ids),
   * then claims their SIMs a few at a time. Returns the orders refused because their SIM has another
   * open order; those are removed again. On an error, every order of the call is removed again.
   */
  createMany(orders: readonly Order[]): Promise<RefusedOrder[]>;
  /**
   * Makes an existing order that is not final its SIM's open order, as `create` does, without writing
   * or removing it: for an order an earlier request wrote (an Idempotency-Key replay), whose claim may
   * have been lost. A no-op for the order that holds the SIM; throws `SimHasOpenOrderError` otherwise.
   */
  claimSim(order: Order): Promise<void>;
  /** The SIM's open order, strongly consistent; undefined when none (a stale marker counts as none). */
  findOpenOrderId(iccid: string): Promise<string | undefined>;
  /** Strongly consistent by default, so a following transition sees the latest version. */
  get(orderId: string, options?: { consistent?: boolean }): Promise<Order | undefined>;
  /**
   * Many orders in as few requests as the store allows (DynamoDB: BatchGetItem, 100 keys a request), strongly
   * consistent. An order missing from the map does not exist or was left unread (DynamoDB's unprocessed keys):
   * a caller reads it with `get`.
   */
  getMany(orderIds: readonly string[]): Promise<Map<string, Order>>;
  /**
   * The orders the SIMs' markers name, by ICCID, in as few requests as the store allows (DynamoDB: BatchGetItem),
   * strongly consistent. A marker may be stale (its order final or gone); a SIM missing from the map has no
   * marker or was left unread.
   */
  markedOrderIds(iccids: readonly string[]): Promise<Map<string, string>>;
  /** A transition to a final status also releases the SIM, best effort (a lost release goes stale). */
  transition(orderId: string, request: TransitionRequest): Promise<TransitionResult>;
  /** Eventually consistent (secondary index); the newest order if several share the id. */
  findByTransactionId(transactionId: string): Promise<Order | undefined>;
  /** Orders of a SIM that are neither COMPLETED nor FAILED, oldest first. Eventually consistent. */
  findActiveByIccid(iccid: string): Promise<Order[]>;
  /** Every order of a SIM, whatever its status, oldest first: its steps are the SIM's history. Eventually consistent. */
  listByIccid(iccid: string): Promise<Order[]>;
}

/** A validated transition, ready for any adapter to apply. */
export interface TransitionPlan {
  from: readonly OrderStatus[];
  to: OrderStatus;
  expectedVersion: number | undefined;
  updatedAt: string;
  timelineEntry: TimelineEntry | undefined;
  /** Fields to write, then fields to remove. */
  assignments: [keyof OrderChanges, unknown][];
  removals: (keyof OrderChanges)[];
  increments: [AttemptCounter, number][];
}

export function planTransition(request: TransitionRequest): TransitionPlan {
  const from: readonly OrderStatus[] = typeof request.from === 'string' ? [request.from] : request.from;
  if (from.length === 0) throw new TypeError('transition: `from` must name at least one status');
  const set = orderChangesSchema.parse(request.set ?? {});
  const requestedKeys = Object.keys(request.set ?? {}) as (keyof OrderChanges)[];
  const increments = Object.entries(request.increment ?? {}).filter(([, amount]) => amount !== 0) as [
    AttemptCounter,
    number,
  ][];
  for (const [counter, amount] of increments) {
    if (!Number.isInteger(amount)) throw new TypeError(`transition: increment.${counter} must be an integer`);
  }
  if (increments.length > 0 && requestedKeys.includes('attempts')) {
    throw new TypeError('transition: use either set.attempts or increment, not both');
  }

  const updatedAt = (request.at ?? new Date()).toISOString();
  // A pure self-transition (e.g. counting a poll) only adds to the timeline when it says something.
  const isSelfTransition = from.length === 1 && from[0] === request.to;
  const timelineEntry =
    isSelfTransition && request.note === undefined
      ? undefined
      : { status: request.to, at: updatedAt, ...(request.note === undefined ? {} : { note: request.note }) };

  return {
    from,
    to: request.to,
    expectedVersion: request.expectedVersion,
    updatedAt,
    timelineEntry,
    assignments: requestedKeys.filter((key) => set[key] !== undefined).map((key) => [key, set[key]]),
    removals: requestedKeys.filter((key) => set[key] === undefined),
    increments,
  };
}

/** Why `order` does not satisfy `plan`, or `undefined` when it does. */
export function conflictReason(
  order: Order | undefined,
  plan: Pick<TransitionPlan, 'from' | 'expectedVersion'>,
): TransitionConflictReason | undefined {
  if (order === undefined) return 'not_found';
  if (!plan.from.includes(order.status)) return 'status_mismatch';
  if (plan.expectedVersion !== undefined && order.version !== plan.expectedVersion) return 'version_mismatch';
  return undefined;
}

export function toConflict(
  orderId: string,
  plan: TransitionPlan,
  current: Order | undefined,
): TransitionConflict {
  return {
    orderId,
    // A condition that failed and then reads as satisfied means the order changed in between.
    reason: conflictReason(current, plan) ?? 'version_mismatch',
    expected: {
      from: plan.from,
      ...(plan.expectedVersion === undefined ? {} : { version: plan.expectedVersion }),
    },
    ...(current === undefined ? {} : { current }),
  };
}
