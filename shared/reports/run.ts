import type { ReportStore } from '../store/report-store.js';
import { columnsOf, type ReportRow } from './columns.js';
import { toCsv } from './csv.js';
import { type FleetReader, type FleetReadProgress, fleetPlans } from './fleet-plans.js';
import { CONTENT_TYPES, type Report } from './report.js';
import { rowsOf, sortRows } from './rows.js';
import { type SpendReader, spendRows } from './spend.js';
import { type UsageReader, usageRows } from './usage.js';

export interface RunReportDeps {
  store: ReportStore;
  transatel: FleetReader & UsageReader;
  /** The spend report's: the orders table and the catalogue. */
  spend: Omit<SpendReader, 'simSearch'>;
  now: () => Date;
  /** No SIM is read after this (epoch ms): the report is written with what was read, `complete: false`. */
  deadline: number;
}

export type RunOutcome = 'done' | 'already-done' | 'unknown-report';

/**
 * Computes a report and writes it: RUNNING (with the instant its windows count from), the content, then DONE
 * with its figures. A redelivered message for a finished report does nothing; one for a report still RUNNING
 * (its worker died) computes it again, from a new instant.
 */
export async function runReport(deps: RunReportDeps, reportId: string): Promise<RunOutcome> {
  const queued = await deps.store.get(reportId);
  if (!queued) return 'unknown-report';
  if (queued.status === 'DONE' || queued.status === 'FAILED') return 'already-done';
  const started = deps.now();
  const running: Report = { ...queued, status: 'RUNNING', startedAt: started.toISOString() };
  await deps.store.put(running);

  const progress: FleetReadProgress = { simsRead: 0, complete: true };
  const rows = await computeRows(deps, running, started, progress);
  const body =
    running.format === 'csv'
      ? toCsv(columnsOf(running.definition), rows)
      : `${JSON.stringify({ report: running.definition, generatedAt: running.startedAt, rows })}\n`;
  await deps.store.putContent(running, body, CONTENT_TYPES[running.format]);
  await deps.store.put({
    ...running,
    status: 'DONE',
    finishedAt: deps.now().toISOString(),
    rows: rows.length,
    simsRead: progress.simsRead,
    complete: progress.complete,
    bytes: Buffer.byteLength(body),
  });
  return 'done';
}

async function computeRows(
  deps: RunReportDeps,
  report: Report,
  started: Date,
  progress: FleetReadProgress,
): Promise<ReportRow[]> {
  const { definition } = report;
  if (definition.type === 'usage') return usageRows(deps.transatel, definition, deps.deadline, progress);
  if (definition.type === 'spend') {
    const reader = { ...deps.spend, simSearch: deps.transatel.simSearch };
    return spendRows(reader, definition, deps.deadline, progress);
  }
  const rows: ReportRow[] = [];
  for await (const plans of fleetPlans(deps.transatel, deps.deadline, progress)) {
    rows.push(...rowsOf(definition, plans, started));
  }
  return sortRows(definition, rows);
}

/** The last delivery of a report's message failed too: the report says so rather than stay RUNNING. */
export async function failReport(store: ReportStore, reportId: string, reason: string, now: Date) {
  const report = await store.get(reportId);
  if (!report || report.status === 'DONE') return;
  await store.put({ ...report, status: 'FAILED', finishedAt: now.toISOString(), error: reason });
}
