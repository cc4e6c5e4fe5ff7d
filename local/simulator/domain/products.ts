import { randomUUID } from 'node:crypto';
import { addValidity, allowanceBytes, type ProductDef } from '../catalog.js';
import type { SimulatorCore } from '../core.js';
import { productEvent } from '../events.js';
import { ProblemError } from '../problem.js';
import type { ProductStatus, ProductSubscription, Sim } from '../state.js';

/** Starts a (new) validity period: full allowance, expiry = start + validity. */
function startPeriod(sub: ProductSubscription, def: ProductDef | undefined, at: string): void {
  sub.activationDate ??= at;
  sub.periodStartDate = at;
  sub.usedBytes = 0;
  sub.thresholdNotified = false;
  sub.exhaustedNotified = false;
  if (def) {
    sub.startBytes = allowanceBytes(def);
    sub.periodEndDate = addValidity(at, def);
    sub.expirationDate = sub.periodEndDate;
  }
}

export function createSubscription(
  core: SimulatorCore,
  sim: Sim,
  def: ProductDef,
  status: 'active' | 'pendingForFirstUse',
  transactionReference: string | undefined,
): ProductSubscription {
  const now = new Date().toISOString();
  const sub: ProductSubscription = {
    subscriptionId: randomUUID(),
    orderId: randomUUID(),
    productId: def.productId,
    iccid: sim.iccid,
    status,
    subscriptionDate: now,
    ...(transactionReference !== undefined ? { transactionReference } : {}),
    startBytes: allowanceBytes(def),
    usedBytes: 0,
    thresholdNotified: false,
    exhaustedNotified: false,
  };
  if (status === 'active') startPeriod(sub, def, now);
  core.state.addSubscription(sim, sub);
  return sub;
}

/** Pre-activated SIM just activated: its preloaded products start now. */
export function activatePendingProducts(core: SimulatorCore, sim: Sim): void {
  const now = new Date().toISOString();
  for (const sub of sim.products) {
    if (sub.status !== 'pendingForFirstUse') continue;
    sub.status = 'active';
    startPeriod(sub, core.product(sub.productId), now);
    core.emit(productEvent('ACTIVATED', core.ocs, sim, sub));
  }
}

/** A terminated subscriber loses its products. */
export function terminateProducts(core: SimulatorCore, sim: Sim): void {
  const now = new Date().toISOString();
  for (const sub of sim.products) {
    if (sub.status !== 'active' && sub.status !== 'pendingForFirstUse') continue;
    sub.status = 'terminated';
    sub.expirationDate = now;
    core.emit(productEvent('TERMINATED', core.ocs, sim, sub));
  }
}

function requireLive(sub: ProductSubscription, action: string, allowed: ProductStatus[]): void {
  if (!allowed.includes(sub.status)) {
    throw new ProblemError(409, 'CONFLICT', `Cannot ${action} subscription in status ${sub.status}`);
  }
}

export function expireSubscription(core: SimulatorCore, sub: ProductSubscription): void {
  requireLive(sub, 'expire', ['active', 'pendingForFirstUse', 'canceled']);
  const now = new Date().toISOString();
  sub.status = 'expired';
  sub.expirationDate = now;
  sub.periodEndDate = now;
  core.emit(productEvent('EXPIRED', core.ocs, core.state.simOf(sub), sub));
}

/** Recurring anniversary: a new period with the full allowance. */
export function renewSubscription(core: SimulatorCore, sub: ProductSubscription): void {
  requireLive(sub, 'renew', ['active']);
  const def = core.product(sub.productId);
  if (def?.category !== 'Recurring') {
    throw new ProblemError(409, 'CONFLICT', `Product ${sub.productId} is not a recurring product`);
  }
  startPeriod(sub, def, new Date().toISOString());
  core.emit(productEvent('RENEWED', core.ocs, core.state.simOf(sub), sub));
}
