import type { ProductSubscription } from '../transatel/ocs-inventory.js';
import type { ReportRow } from './columns.js';
import type { SimPlans } from './fleet-plans.js';
import type { ReportDefinition } from './report.js';

/** The rows of each plan report, from one SIM's plans: which plans it lists, with what in their columns. */

const DAY_MS = 86_400_000;

/** Plans that ended: they neither expire nor run low any more. */
const ENDED = new Set(['expired', 'canceled', 'terminated']);

/** The reports read from the SIMs' plans (OCS Inventory). */
export type PlanReportDefinition = Extract<ReportDefinition, { type: 'plans-expiring' | 'data-low' }>;

function planColumns({ sim, msisdn }: SimPlans, product: ProductSubscription): ReportRow {
  return {
    iccid: sim.iccid,
    msisdn,
    group: sim.group,
    reference: sim.reference,
    subscriptionId: product.subscriptionId,
    planId: product.productId,
    status: product.status,
  };
}

/**
 * A plan expiring in the window (now, now + days]: live (not ended) with an expiry date in it. `daysLeft` is in
 * whole days, rounded up (a plan expiring in 2 h has 1 day left).
 */
function expiringRows(plans: SimPlans, days: number, now: number): ReportRow[] {
  const rows: ReportRow[] = [];
  for (const product of plans.products) {
    if (product.status !== undefined && ENDED.has(product.status)) continue;
    const expiresAt = product.expiresAt === undefined ? Number.NaN : Date.parse(product.expiresAt);
    const left = expiresAt - now;
    if (!(left > 0 && left <= days * DAY_MS)) continue;
    rows.push({
      ...planColumns(plans, product),
      expiresAt: new Date(expiresAt).toISOString(),
      daysLeft: Math.ceil(left / DAY_MS),
      remainingBytes: product.data.remainingBytes,
      totalBytes: product.data.totalBytes,
    });
  }
  return rows;
}

/** A live, capped plan (not past its expiry) with at most `percent` % of its data left. */
function dataLowRows(plans: SimPlans, percent: number, now: number): ReportRow[] {
  const rows: ReportRow[] = [];
  for (const product of plans.products) {
    if (product.status !== undefined && ENDED.has(product.status)) continue;
    if (product.expiresAt !== undefined && Date.parse(product.expiresAt) <= now) continue;
    const { unlimited, totalBytes, remainingBytes } = product.data;
    if (unlimited || totalBytes <= 0) continue;
    const remainingPercent = (Math.max(0, remainingBytes) / totalBytes) * 100;
    if (remainingPercent > percent) continue;
    rows.push({
      ...planColumns(plans, product),
      remainingPercent: Math.round(remainingPercent * 10) / 10,
      remainingBytes,
      totalBytes,
      expiresAt: product.expiresAt,
    });
  }
  return rows;
}

export function rowsOf(definition: PlanReportDefinition, plans: SimPlans, now: Date): ReportRow[] {
  switch (definition.type) {
    case 'plans-expiring':
      return expiringRows(plans, definition.days, now.getTime());
    case 'data-low':
      return dataLowRows(plans, definition.percent, now.getTime());
  }
}

/** The report's order: soonest expiry first (then ICCID) for plans-expiring; least left first for data-low. */
export function sortRows(definition: PlanReportDefinition, rows: ReportRow[]): ReportRow[] {
  const text = (row: ReportRow, column: string) => String(row[column] ?? '');
  const byIccid = (a: ReportRow, b: ReportRow) =>
    text(a, 'iccid').localeCompare(text(b, 'iccid')) ||
    text(a, 'subscriptionId').localeCompare(text(b, 'subscriptionId'));
  if (definition.type === 'plans-expiring') {
    return rows.sort((a, b) => text(a, 'expiresAt').localeCompare(text(b, 'expiresAt')) || byIccid(a, b));
  }
  return rows.sort(
    (a, b) => Number(a.remainingPercent ?? 0) - Number(b.remainingPercent ?? 0) || byIccid(a, b),
  );
}
