import type { CsvValue } from './csv.js';
import type { ReportDefinition } from './report.js';

/**
 * The columns of each report type, and a row: a value per column. Below the modules that compute the rows
 * (rows.ts, usage.ts, spend.ts) and run.ts, which writes them in these columns.
 */

export type ReportRow = Record<string, CsvValue>;

const PLAN_COLUMNS = ['iccid', 'msisdn', 'group', 'reference', 'subscriptionId', 'planId', 'status'] as const;

/** Spend's first column is what it is broken down by. */
export const SPEND_COLUMNS = {
  month: ['month', 'planId', 'plans', 'unitAmountMinor', 'amountMinor', 'currency'],
  policy: ['policyId', 'planId', 'plans', 'unitAmountMinor', 'amountMinor', 'currency'],
  operator: ['operator', 'planId', 'plans', 'unitAmountMinor', 'amountMinor', 'currency'],
} as const;

export const REPORT_COLUMNS: Record<ReportDefinition['type'], readonly string[]> = {
  'plans-expiring': [...PLAN_COLUMNS, 'expiresAt', 'daysLeft', 'remainingBytes', 'totalBytes'],
  'data-low': [...PLAN_COLUMNS, 'remainingPercent', 'remainingBytes', 'totalBytes', 'expiresAt'],
  usage: ['group', 'country', 'sims', 'sessions', 'totalBytes', 'uplinkBytes', 'downlinkBytes'],
  spend: SPEND_COLUMNS.month,
};

/** The columns of a report: spend's first one says what it is broken down by. */
export function columnsOf(definition: ReportDefinition): readonly string[] {
  return definition.type === 'spend' ? SPEND_COLUMNS[definition.by] : REPORT_COLUMNS[definition.type];
}
