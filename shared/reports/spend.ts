import type { HistoryStore } from '../store/history.js';
import type { Order } from '../store/order.js';
import type { OrderStore } from '../store/order-store.js';
import type { CatalogProduct } from '../transatel/ocs-catalog.js';
import type { SimSearchApi } from '../transatel/sim-search.js';
import { type ReportRow, SPEND_COLUMNS } from './columns.js';
import type { FleetReadProgress } from './fleet-plans.js';
import type { ReportDefinition } from './report.js';

/**
 * The spend report: the plans bought over a period (orders carrying a plan that reached COMPLETED then, top-ups
 * and activations with a plan alike), found per SIM of the fleet in the orders table (its ICCID index: no
 * Transatel call per SIM) and priced from the catalogue (OCS Catalog, read once), counted by month of purchase
 * or by the policy that bought them (`policyId` empty: ordered through the API), or by who ordered them.
 */

export interface SpendReader {
  simSearch: Pick<SimSearchApi, 'all'>;
  orders: Pick<OrderStore, 'listByIccid'>;
  catalog: () => Promise<CatalogProduct[]>;
  /** For `by: operator`: the SIMs' operator actions, which name the order they made and its caller. */
  history: Pick<HistoryStore, 'list'>;
}

type SpendDefinition = Extract<ReportDefinition, { type: 'spend' }>;

const HISTORY_PAGE = 200;
/** How long before its order's createdAt an operator action may be stamped (the request's start). */
const ACTION_MARGIN_MS = 3_600_000;

/**
 * Who ordered each of these orders: the actor of the SIM's `operator.action` entry naming it; a policy's top-up
 * is `policy:<policyId>`; an order whose action is not (or no longer) in the history is `unknown`.
 */
async function operatorsOf(history: SpendReader['history'], iccid: string, orders: readonly Order[]) {
  const operators = new Map<string, string>();
  const wanted = orders.filter((order) => order.policyId === undefined);
  if (wanted.length > 0) {
    // The action is stamped with the request's time, before the order it made was written.
    const from = new Date(Math.min(...wanted.map((order) => Date.parse(order.createdAt))) - ACTION_MARGIN_MS);
    let cursor: string | undefined;
    do {
      const page = await history.list(iccid, {
        from,
        types: ['operator.action'],
        limit: HISTORY_PAGE,
        cursor,
      });
      for (const entry of page.entries) {
        if (entry.orderId !== undefined && entry.actor !== undefined)
          operators.set(entry.orderId, entry.actor);
      }
      cursor = page.nextCursor;
    } while (cursor !== undefined);
  }
  return (order: Order) =>
    order.policyId !== undefined ? `policy:${order.policyId}` : (operators.get(order.orderId) ?? 'unknown');
}

/** When the plan was bought: the order's COMPLETED step. */
function completedAt(order: Order): number | undefined {
  if (order.status !== 'COMPLETED' || order.planId === undefined) return undefined;
  const step = order.timeline.find((entry) => entry.status === 'COMPLETED');
  return step ? Date.parse(step.at) : undefined;
}

/** A plan missing from the catalogue (withdrawn since) is counted with no price, its amounts left empty. */
export async function spendRows(
  reader: SpendReader,
  definition: SpendDefinition,
  deadline: number,
  progress: FleetReadProgress,
): Promise<ReportRow[]> {
  const from = Date.parse(definition.from);
  const to = Date.parse(definition.to);
  const prices = new Map((await reader.catalog()).map((plan) => [plan.productId, plan.price]));
  const cells = new Map<string, { key: string; planId: string; plans: number }>();
  for await (const sim of reader.simSearch.all()) {
    if (Date.now() >= deadline) {
      progress.complete = false;
      break;
    }
    const bought = (await reader.orders.listByIccid(sim.iccid)).filter((order) => {
      const at = completedAt(order);
      return at !== undefined && at >= from && at < to;
    });
    progress.simsRead += 1;
    const operatorOf =
      definition.by === 'operator' ? await operatorsOf(reader.history, sim.iccid, bought) : undefined;
    for (const order of bought) {
      const at = completedAt(order) as number;
      const key =
        definition.by === 'month'
          ? new Date(at).toISOString().slice(0, 7)
          : operatorOf
            ? operatorOf(order)
            : (order.policyId ?? '');
      const planId = order.planId as string;
      const id = `${key}\u0000${planId}`;
      const cell = cells.get(id) ?? { key, planId, plans: 0 };
      cell.plans += 1;
      cells.set(id, cell);
    }
  }
  const keyColumn = SPEND_COLUMNS[definition.by][0];
  return [...cells.values()]
    .sort((a, b) => a.key.localeCompare(b.key) || a.planId.localeCompare(b.planId))
    .map(({ key, planId, plans }) => {
      const price = prices.get(planId);
      return {
        [keyColumn]: key,
        planId,
        plans,
        unitAmountMinor: price?.amountMinor,
        amountMinor: price === undefined ? undefined : price.amountMinor * plans,
        currency: price?.currency,
      };
    });
}
