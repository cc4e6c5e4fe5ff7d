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

/** A bulk run's CPU: the stack process's own, and each child process's (bench/process-cpu.ts), in seconds. */
export interface CpuFigures {
  orders: number;
  wallSeconds: number;
  cpuSeconds: number;
  childCpu: readonly { name: string; seconds: number }[];
}

/** The child processes by their entry module (or executable), as the tables name them. */
const PROCESS_NAMES: Readonly<Record<string, string>> = {
  'emulators-main.ts': 'emulators',
  'worker-host-main.ts': 'events worker',
  'sim-server.ts': 'simulator',
  // tsx's TypeScript loader: transpiles the modules the stack loads on first use.
  esbuild: 'esbuild (tsx)',
};

export interface CpuPerOrder {
  /** Milliseconds of CPU per order, every process together. */
  totalMs: number;
  /** That CPU over the wall time, as a share of the machine's cores (1 = every core busy throughout). */
  shareOfCores: number;
  /** Per process, the stack process first, then the children in the order given; same-named ones added. */
  byProcess: { process: string; ms: number }[];
}

/** CPU per order, every process and each one (what the bench's stack and its children cost the machine). */
export function cpuPerOrder(run: CpuFigures, cores: number): CpuPerOrder {
  const byProcess = new Map<string, number>([['stack process', run.cpuSeconds]]);
  for (const child of run.childCpu) {
    const name = PROCESS_NAMES[child.name.split('/').at(-1) ?? child.name] ?? child.name;
    byProcess.set(name, (byProcess.get(name) ?? 0) + child.seconds);
  }
  const seconds = [...byProcess.values()].reduce((total, value) => total + value, 0);
  return {
    totalMs: (seconds * 1000) / run.orders,
    shareOfCores: seconds / run.wallSeconds / cores,
    byProcess: [...byProcess].map(([process, cpu]) => ({ process, ms: (cpu * 1000) / run.orders })),
  };
}
