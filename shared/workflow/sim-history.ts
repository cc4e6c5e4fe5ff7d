import type { HistoryEntry, HistoryPage, HistoryQuery, HistoryStore } from '../store/history.js';
import {
  canonicalInstant,
  compareBytes,
  compareNewestFirst,
  decodeHistoryCursor,
  encodeHistoryCursor,
  isAfter,
  positionOf,
} from '../store/history-keys.js';
import type { Order } from '../store/order.js';
import type { OrderStore } from '../store/order-store.js';

/**
 * A SIM's history as the API shows it: what the history table holds (Transatel's events, operator actions,
 * policy decisions) merged with the steps of the SIM's orders, read from the orders themselves, newest first.
 */

export interface SimHistoryDeps {
  history: Pick<HistoryStore, 'list'>;
  orders: Pick<OrderStore, 'listByIccid'>;
  /** The table's entries expire after this many days; order steps older than that are not shown either. */
  retentionDays: number;
  now: () => Date;
}

const DAY_MS = 86_400_000;

/** An order's timeline as history entries: `order.<STATUS>`, id `<orderId>#<index>`. */
export function orderSteps(order: Order): HistoryEntry[] {
  // Orders a policy makes may name it (the policy engine's field, when there is one).
  const { policyId } = order as { policyId?: unknown };
  const policy = typeof policyId === 'string' && policyId !== '' ? policyId : undefined;
  return order.timeline.map((step, index) => ({
    iccid: order.iccid,
    at: canonicalInstant(step.at),
    id: `${order.orderId}#${index}`,
    source: 'order',
    type: `order.${step.status}`,
    summary: step.note ?? step.status,
    orderId: order.orderId,
    ...(policy === undefined ? {} : { policyId: policy }),
    details: {
      kind: order.kind,
      ...(order.planId === undefined ? {} : { planId: order.planId }),
      ...(policy === undefined ? {} : { policyId: policy }),
    },
  }));
}

/**
 * One page of the merged history. The table is asked for one page after the cursor, the orders for all their
 * steps; the first `limit` of both, in order, is the page, and the cursor is the position of its last entry,
 * from which both sources resume. Nothing the table did not return can belong to the page: it holds only
 * entries older than the `limit` it did return. Throws `InvalidHistoryCursorError` for a bad cursor.
 */
export async function readSimHistory(
  deps: SimHistoryDeps,
  iccid: string,
  query: HistoryQuery,
): Promise<HistoryPage> {
  const after = query.cursor === undefined ? undefined : decodeHistoryCursor(query.cursor);
  const [stored, orders] = await Promise.all([
    deps.history.list(iccid, query),
    deps.orders.listByIccid(iccid),
  ]);

  const oldest = canonicalInstant(new Date(deps.now().getTime() - deps.retentionDays * DAY_MS));
  const from = query.from === undefined ? undefined : canonicalInstant(query.from);
  const to = query.to === undefined ? undefined : canonicalInstant(query.to);
  const types = query.types === undefined ? undefined : new Set(query.types);
  const steps = orders.flatMap(orderSteps).filter((step) => {
    if (compareBytes(step.at, oldest) < 0) return false;
    if (from !== undefined && compareBytes(step.at, from) < 0) return false;
    if (to !== undefined && compareBytes(step.at, to) >= 0) return false;
    if (types !== undefined && !types.has(step.type)) return false;
    return after === undefined || isAfter(positionOf(step), after);
  });

  const merged = [...stored.entries, ...steps].sort((a, b) =>
    compareNewestFirst(positionOf(a), positionOf(b)),
  );
  if (merged.length <= query.limit && stored.nextCursor === undefined) return { entries: merged };
  const entries = merged.slice(0, query.limit);
  const last = entries[entries.length - 1];
  return last === undefined ? { entries } : { entries, nextCursor: encodeHistoryCursor(positionOf(last)) };
}
