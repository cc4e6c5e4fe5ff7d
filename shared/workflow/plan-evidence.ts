import type { Order } from '../store/order.js';
import type { ProductSubscription } from '../transatel/ocs-inventory.js';
import type { WorkflowDeps } from './deps.js';

/**
 * What the OCS inventory proves about a plan order whose answer we did not get:
 * - `found`: the product this order bought is there;
 * - `absent`: it positively is not (the only case in which the plan may be ordered again);
 * - `unproven`: the inventory cannot identify our order either way (no reference echoed, no dates), so
 *   buying again could buy twice.
 */
export type PlanEvidence =
  | { kind: 'found'; subscriptionId: string | undefined; note: string }
  | { kind: 'absent' }
  | { kind: 'unproven'; detail: string };

/** Clocks differ between us and Transatel: a product subscribed this long before our claim may still be ours. */
const CLOCK_SKEW_MS = 60_000;

/**
 * Reads the SIM's inventory and weighs it, strongest evidence first:
 * 1. the order id, which we send as `transactionReference`: a match is ours; a tenant that echoes references
 *    on any product and not on ours proves ours absent;
 * 2. otherwise products of the ordered plan, by subscription date: exactly one since our claim is ours, none
 *    since (every one dated earlier) proves ours absent, several cannot be told apart;
 * 3. a product of the plan without a date, or without a product id, proves nothing.
 */
export async function reconcilePlanOrder(
  deps: Pick<WorkflowDeps, 'transatel' | 'logger'>,
  order: Order,
): Promise<PlanEvidence> {
  if (!order.msisdn)
    return { kind: 'unproven', detail: 'The order has no MSISDN to read the inventory with' };
  const products = await deps.transatel.ocsInventory.listProducts(order.msisdn);
  return weighInventory(order, products);
}

export function weighInventory(order: Order, products: readonly ProductSubscription[]): PlanEvidence {
  const byReference = products.find((product) => product.transactionReference === order.orderId);
  if (byReference)
    return {
      kind: 'found',
      subscriptionId: byReference.subscriptionId,
      note: 'plan found in inventory by reference (reconciled)',
    };
  if (products.some((product) => product.transactionReference !== undefined)) return { kind: 'absent' };

  const claimedAt = order.planClaimedAt ? Date.parse(order.planClaimedAt) : Number.NaN;
  const samePlan = products.filter(
    (product) => product.productId === undefined || product.productId === order.planId,
  );
  if (samePlan.length === 0) return { kind: 'absent' };
  const undated = samePlan.filter((product) => product.subscribedAt === undefined);
  const sinceClaim = samePlan.filter(
    (product) =>
      product.subscribedAt !== undefined && Date.parse(product.subscribedAt) >= claimedAt - CLOCK_SKEW_MS,
  );
  if (undated.length === 0 && !Number.isNaN(claimedAt)) {
    if (sinceClaim.length === 0) return { kind: 'absent' };
    const [only] = sinceClaim;
    if (sinceClaim.length === 1 && only)
      return {
        kind: 'found',
        subscriptionId: only.subscriptionId,
        note: 'plan found in inventory by date (reconciled)',
      };
  }
  const ids = samePlan.map((product) => product.subscriptionId ?? '(no id)').join(', ');
  const why =
    undated.length > 0
      ? `${undated.length} product(s) that may be this plan carry no subscription date`
      : `${sinceClaim.length} products of this plan were subscribed since the order`;
  return {
    kind: 'unproven',
    detail:
      `Transatel's answer to the order of plan ${order.planId} was lost, and its inventory cannot tell whether ` +
      `that order was taken: it echoes no order reference, and ${why} [${ids}]. ` +
      "Check the SIM's plans, then resolve the order.",
  };
}
