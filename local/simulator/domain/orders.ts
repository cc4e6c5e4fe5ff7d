import type { ProductDef } from '../catalog.js';
import type { SimulatorCore } from '../core.js';
import { productEvent } from '../events.js';
import { ProblemError } from '../problem.js';
import type { ProductSubscription, Sim } from '../state.js';
import { scheduleFirstUseActivation } from './firstUse.js';
import { createSubscription } from './products.js';

export type OrderType = 'preload' | 'subscribe';

function notEligible(detail: string): ProblemError {
  return new ProblemError(400, 'PRODUCT_NOT_ELIGIBLE', detail);
}

export const TEST_MODE_REFUSAL =
  'Order failed - Subscriber is in TestMode: plans can be added once it is Active';

/** Why a plan may not go on this TestMode subscriber now (`testModePlans: 'refuse'`), or undefined. */
export function testModeOrderRefusal(core: SimulatorCore, sim: Sim): string | undefined {
  return sim.status === 'TestMode' && core.config.testModePlans === 'refuse' ? TEST_MODE_REFUSAL : undefined;
}

export function checkOrderEligibility(
  core: SimulatorCore,
  sim: Sim,
  def: ProductDef,
  orderType: OrderType,
): void {
  if (!def.available) throw notEligible(`Order failed - Product ${def.productId} is not available`);
  if (orderType === 'preload' && sim.status !== 'Pre-Activated') {
    throw notEligible(
      sim.status === 'Active'
        ? 'Preload is refused on an active subscriber'
        : `Preload is refused on a subscriber in status ${sim.status}`,
    );
  }
  if (orderType !== 'subscribe') return;
  // A TestMode subscriber's plan is live (the network is on), so plans are accepted unless configured not to be.
  const testModeRefusal = testModeOrderRefusal(core, sim);
  if (testModeRefusal) throw notEligible(testModeRefusal);
  if (sim.status !== 'Active' && sim.status !== 'Suspended' && sim.status !== 'TestMode') {
    throw notEligible(`Subscribe is refused on a subscriber in status ${sim.status}`);
  }
}

/**
 * Commits the order (no deduplication on transactionReference: two identical orders make two
 * subscriptions). Returns the subscription and the event emission to run just after the 201.
 */
export function placeOrder(
  core: SimulatorCore,
  sim: Sim,
  def: ProductDef,
  orderType: OrderType,
  transactionReference: string | undefined,
): { sub: ProductSubscription; emitEvents: () => void } {
  checkOrderEligibility(core, sim, def, orderType);
  const sub = createSubscription(
    core,
    sim,
    def,
    orderType === 'preload' ? 'pendingForFirstUse' : 'active',
    transactionReference,
  );
  core.counters.subscription(sim.iccid);
  if (orderType === 'preload') scheduleFirstUseActivation(core, sim);
  const kind = orderType === 'preload' ? 'PRELOADED' : 'ACTIVATED';
  // Snapshot now: if the SIM activates before the event goes out, PRELOADED must still say so.
  const event = productEvent(kind, core.ocs, sim, sub);
  const state = core.state;
  return {
    sub,
    emitEvents: () => {
      if (core.state === state) core.emit(event);
    },
  };
}
