import { writeFile } from 'node:fs/promises';
import { formatCsv } from '../csv.js';
import { type CliIo, EXIT_ERROR, EXIT_OK } from '../io.js';
import { count, type ProgressCounts, writeJson, writeLine } from '../output.js';
import type { BulkRow, InvalidRow } from './input.js';
import type { BulkState } from './state.js';

export const RESULT_COLUMNS = [
  'iccid',
  'orderId',
  'status',
  'subscriptionId',
  'failureCode',
  'failureDetail',
];

/** Where each SIM stands; `failed` counts failed orders and SIMs the API rejected. */
export function progressCounts(rows: readonly BulkRow[], state: BulkState): ProgressCounts {
  const counts: ProgressCounts = {
    total: rows.length,
    ordered: 0,
    received: 0,
    activating: 0,
    completed: 0,
    failed: 0,
  };
  for (const { sim } of rows) {
    const sims = state.sims[sim.iccid];
    if (!sims) continue;
    if (sims.orderId) counts.ordered += 1;
    if (sims.status === 'RECEIVED') counts.received += 1;
    else if (sims.status === 'ACTIVATING' || sims.status === 'ACTIVE') counts.activating += 1;
    else if (sims.status === 'COMPLETED') counts.completed += 1;
    else counts.failed += 1;
  }
  return counts;
}

/** One row per input row, in the input's order: ordered SIMs, rejected ones, and invalid rows never sent. */
export async function writeResults(
  path: string,
  rows: readonly BulkRow[],
  invalid: readonly InvalidRow[],
  state: BulkState,
): Promise<void> {
  const lines: { line: number; cells: (string | undefined)[] }[] = rows.map(({ line, sim }) => {
    const sims = state.sims[sim.iccid];
    return {
      line,
      cells: [
        sim.iccid,
        sims?.orderId,
        sims?.status ?? 'NOT_SENT',
        sims?.subscriptionId,
        sims?.failureCode,
        sims?.failureDetail,
      ],
    };
  });
  for (const row of invalid) {
    lines.push({
      line: row.line,
      cells: [row.iccid, undefined, 'INVALID', undefined, 'INVALID_ROW', `line ${row.line}: ${row.problem}`],
    });
  }
  lines.sort((a, b) => a.line - b.line);
  await writeFile(path, formatCsv([RESULT_COLUMNS, ...lines.map((line) => line.cells)]));
}

export interface SummaryInput {
  rows: readonly BulkRow[];
  invalid: number;
  state: BulkState;
  outPath: string;
  statePath: string;
  json: boolean;
}

/** The run's outcome on stdout (a line, or JSON); exit code 1 when any SIM failed, was rejected or invalid. */
export function summarize(
  io: CliIo,
  { rows, invalid, state, outPath, statePath, json }: SummaryInput,
): number {
  const counts = progressCounts(rows, state);
  const rejected = rows.filter(({ sim }) => state.sims[sim.iccid]?.status === 'REJECTED').length;
  const failed = counts.failed - rejected;
  const inProgress = counts.received + counts.activating;
  if (json) {
    writeJson(io.stdout, {
      sims: counts.total,
      ordered: counts.ordered,
      inProgress,
      completed: counts.completed,
      failed,
      rejected,
      invalidRows: invalid,
      results: outPath,
      state: statePath,
    });
  } else {
    const parts = [`${counts.ordered} ordered`];
    if (inProgress > 0) parts.push(`${inProgress} in progress`);
    parts.push(`${counts.completed} completed`, `${failed} failed`, `${rejected} rejected`);
    const notSent = invalid > 0 ? `; ${count(invalid, 'invalid row')} not sent` : '';
    writeLine(io.stdout, `${count(counts.total, 'SIM')}: ${parts.join(', ')}${notSent}`);
    writeLine(io.stdout, `Results: ${outPath}`);
  }
  const problems = [
    failed > 0 ? `${count(failed, 'order')} failed` : '',
    rejected > 0 ? `${count(rejected, 'SIM')} rejected` : '',
    invalid > 0 ? `${count(invalid, 'row')} invalid` : '',
  ].filter((problem) => problem !== '');
  if (problems.length === 0) return EXIT_OK;
  writeLine(io.stderr, `simctl: ${problems.join(', ')}: see ${outPath}`);
  return EXIT_ERROR;
}
