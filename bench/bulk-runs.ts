import type { Table } from './table.js';
import { fmtPct, fmtRatio } from './table.js';

/** One bulk run as the repeat table shows it. */
export interface RunFigures {
  wallSeconds: number;
  orders: number;
  calls: number;
  rps: number;
}

/** The ratio to the rate-limit ceiling: the least time the limit allows over the time taken. */
export function ratioToCeiling(run: RunFigures): number {
  return run.calls / run.rps / run.wallSeconds;
}

/** How far the furthest value lies from the values' mean, as a share of it (0 for fewer than two). */
export function spreadAroundMean(values: readonly number[]): number {
  if (values.length < 2) return 0;
  const mean = values.reduce((total, value) => total + value, 0) / values.length;
  if (mean === 0) return 0;
  return Math.max(...values.map((value) => Math.abs(value - mean))) / mean;
}

/** The run whose ratio is the median one (the lower middle for an even count): the run the tables show. */
export function medianRun<Run extends RunFigures>(runs: readonly Run[]): Run {
  const sorted = [...runs].sort((a, b) => ratioToCeiling(a) - ratioToCeiling(b));
  const run = sorted[Math.floor((sorted.length - 1) / 2)];
  if (!run) throw new Error('no bulk run');
  return run;
}

/** Table 3f: the same bulk run repeated, each in a fresh stack, and how far their ratios spread. */
export function repeatTable(runs: readonly RunFigures[]): Table {
  const ratios = runs.map(ratioToCeiling);
  return {
    title: `3f. Bulk throughput: the same run ${runs.length} times`,
    columns: ['run', 'wall', 'orders/s', 'calls/order', 'ratio to the ceiling'],
    rows: runs.map((run, index) => [
      String(index + 1),
      `${run.wallSeconds.toFixed(1)} s`,
      (run.orders / run.wallSeconds).toFixed(1),
      (run.calls / run.orders).toFixed(2),
      fmtRatio(ratioToCeiling(run)),
    ]),
    notes: [
      `Each run in a fresh stack and simulator, one after the other; tables 3 to 3e show the median run. Spread: the furthest ratio lies ${fmtPct(spreadAroundMean(ratios))} from their mean.`,
    ],
  };
}
