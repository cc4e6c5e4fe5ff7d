import type { Policy } from '../store/policy.js';
import type { PolicyLedger } from '../store/policy-ledger.js';
import type { ConnectivityApi } from '../transatel/connectivity.js';
import type { OcsInventoryApi, ProductSubscription } from '../transatel/ocs-inventory.js';
import type { SimSearchApi } from '../transatel/sim-search.js';
import type { FleetNotification } from '../workflow/notifications.js';

/**
 * The sweep behind thresholds of the user's choosing and expiring plans: Transatel sends one fixed threshold
 * event and none before an expiry, so the balances of the SIMs in scope of such policies are read (paced to the
 * sweep's share of the rate limit) and each threshold or expiry fires once per plan period: a `usage.threshold`
 * or `plan.expiring` event, naming the policy, which the policy worker answers like any trigger.
 */

export interface SweepDeps {
  policies: () => Promise<Policy[]>;
  ledger: Pick<PolicyLedger, 'hasMark' | 'setMark'>;
  transatel: {
    simSearch: Pick<SimSearchApi, 'all'>;
    connectivity: Pick<ConnectivityApi, 'getSubscriber'>;
    ocsInventory: Pick<OcsInventoryApi, 'listProducts'>;
  };
  notify: (notification: FleetNotification) => Promise<void>;
  now: () => Date;
  /** No SIM is started after this (epoch ms): the run ends with what it read, the next goes on. */
  deadline: number;
}

export interface SweepReport {
  policies: number;
  /** SIMs in scope of a threshold or expiring policy. */
  sims: number;
  /** Inventories read (one Transatel call each), and subscribers read for an MSISDN. */
  balancesRead: number;
  subscribersRead: number;
  fired: { threshold: number; expiring: number };
  /** Crossed before and fired then: not fired again. */
  alreadyFired: number;
  /** False when the deadline stopped the run before every SIM was read. */
  complete: boolean;
}

interface SimToSweep {
  iccid: string;
  msisdn: string | undefined;
  policies: Policy[];
}

/** SIM statuses whose plans are in use. */
const IN_SERVICE = new Set(['Active', 'TestMode']);
const DAY_MS = 86_400_000;

export async function sweep(deps: SweepDeps): Promise<SweepReport> {
  const policies = (await deps.policies()).filter(
    (policy) => policy.enabled && (policy.trigger.on === 'threshold' || policy.trigger.on === 'expiring'),
  );
  const report: SweepReport = {
    policies: policies.length,
    sims: 0,
    balancesRead: 0,
    subscribersRead: 0,
    fired: { threshold: 0, expiring: 0 },
    alreadyFired: 0,
    complete: true,
  };
  if (policies.length === 0) return report;
  const sims = await simsInScope(deps, policies);
  report.sims = sims.length;
  for (const sim of sims) {
    if (Date.now() >= deps.deadline) {
      report.complete = false;
      break;
    }
    let msisdn = sim.msisdn;
    if (!msisdn) {
      const subscriber = await deps.transatel.connectivity.getSubscriber(sim.iccid);
      report.subscribersRead += 1;
      if (!IN_SERVICE.has(subscriber.status)) continue;
      msisdn = subscriber.msisdn;
    }
    if (!msisdn) continue;
    const products = await deps.transatel.ocsInventory.listProducts(msisdn);
    report.balancesRead += 1;
    for (const product of products) {
      for (const policy of sim.policies) await fireIfDue(deps, report, sim.iccid, policy, product);
    }
  }
  return report;
}

/** Every SIM in scope of one of the policies, once, with the policies that cover it (ICCID order). */
async function simsInScope(deps: SweepDeps, policies: readonly Policy[]): Promise<SimToSweep[]> {
  const sims = new Map<string, SimToSweep>();
  const add = (iccid: string, msisdn: string | undefined, policy: Policy) => {
    const sim = sims.get(iccid) ?? { iccid, msisdn, policies: [] };
    sim.msisdn ??= msisdn;
    if (!sim.policies.includes(policy)) sim.policies.push(policy);
    sims.set(iccid, sim);
  };
  for (const policy of policies) {
    const { scope } = policy;
    if ('iccids' in scope) {
      for (const iccid of scope.iccids) add(iccid, undefined, policy);
      continue;
    }
    const filters = 'group' in scope ? { group: scope.group } : {};
    for await (const record of deps.transatel.simSearch.all(filters)) {
      if (IN_SERVICE.has(record.status)) add(record.iccid, record.msisdn, policy);
    }
  }
  return [...sims.values()].sort((a, b) => a.iccid.localeCompare(b.iccid));
}

async function fireIfDue(
  deps: SweepDeps,
  report: SweepReport,
  iccid: string,
  policy: Policy,
  product: ProductSubscription,
): Promise<void> {
  const { subscriptionId } = product;
  if (!subscriptionId || (product.status !== undefined && product.status !== 'active')) return;
  const now = deps.now();
  const trigger = policy.trigger;
  let notification: FleetNotification | undefined;
  if (trigger.on === 'threshold') {
    const { totalBytes, usedBytes, unlimited } = product.data;
    if (unlimited || totalBytes <= 0) return;
    const usedPercent = (usedBytes / totalBytes) * 100;
    if (usedPercent < trigger.percent) return;
    notification = event('usage.threshold', iccid, product, now, {
      policyId: policy.policyId,
      percent: trigger.percent,
      usedPercent: Math.round(usedPercent * 10) / 10,
      usedBytes,
      totalBytes,
    });
  } else if (trigger.on === 'expiring') {
    const expiresAt = product.expiresAt ? Date.parse(product.expiresAt) : Number.NaN;
    const left = expiresAt - now.getTime();
    if (!(left > 0 && left <= trigger.daysBefore * DAY_MS)) return;
    notification = event('plan.expiring', iccid, product, now, {
      policyId: policy.policyId,
      daysBefore: trigger.daysBefore,
    });
  }
  if (!notification) return;
  // Once per plan period: the mark names the policy, the trigger, the subscription and its expiry.
  const level =
    trigger.on === 'threshold' ? trigger.percent : trigger.on === 'expiring' ? trigger.daysBefore : 0;
  const mark = `${trigger.on}#${policy.policyId}#${level}#${subscriptionId}#${product.expiresAt ?? ''}`;
  if (await deps.ledger.hasMark(mark, now)) {
    report.alreadyFired += 1;
    return;
  }
  // Published, then marked: a run that dies in between publishes again, and the worker answers it once.
  await deps.notify(notification);
  const keepUntil = product.expiresAt ? Date.parse(product.expiresAt) + DAY_MS : now.getTime() + 400 * DAY_MS;
  await deps.ledger.setMark(mark, new Date(Math.max(keepUntil, now.getTime() + DAY_MS)));
  if (trigger.on === 'threshold') report.fired.threshold += 1;
  else report.fired.expiring += 1;
}

function event(
  type: 'usage.threshold' | 'plan.expiring',
  iccid: string,
  product: ProductSubscription,
  now: Date,
  details: Record<string, unknown>,
): FleetNotification {
  return {
    type,
    occurredAt: now.toISOString(),
    iccid,
    orderIds: [],
    ...(product.subscriptionId ? { subscriptionId: product.subscriptionId } : {}),
    ...(product.productId ? { planId: product.productId } : {}),
    source: {
      eventId: `sweep:${type}:${String(details.policyId)}:${product.subscriptionId}:${product.expiresAt ?? ''}`,
      eventType: type,
    },
    details: { ...details, ...(product.expiresAt ? { expiresAt: product.expiresAt } : {}) },
  };
}
