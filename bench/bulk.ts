import { performance } from 'node:perf_hooks';
import { iccidFor } from '../local/simulator/index.js';
import type { StackUsage } from '../local/stack.js';
import { type FunctionName, functions, queues } from '../shared/topology.js';
import { defaultWorkflowSettings } from '../shared/workflow/deps.js';
import { awsCostTable, type CostContext, type CountedUsage } from './aws-cost.js';
import { cpuPerOrder, medianRun, ratioToCeiling, repeatTable, spreadAroundMean } from './bulk-runs.js';
import { forkTs } from './child.js';
import { census, FINAL, OrderReader, type StoredOrder, sleep, submitActivations } from './orders.js';
import { outRoot } from './paths.js';
import { installRequestProbe, requestCounts, resetRequestCounts } from './probe.js';
import { childProcessCpu, cpuBetween, machineCores } from './process-cpu.js';
import { startCpuProfile } from './profile.js';
import { type BenchStack, startBenchStack } from './stack.js';
import { median, sum } from './stats.js';
import { fmtInt, fmtMs, fmtPct, fmtRatio, type PartResult, type Table } from './table.js';

/**
 * The ratio to the ceiling at a limit this machine keeps up with (R 100 by default: on AWS the rate limit, not
 * the CPU, bounds throughput), calls per order (every webhook delivered; 30 s activations), spread.
 */
export const BULK_TARGET = 0.9;
export const CALLS_PER_ORDER_TARGET = 2.2;
export const SLOW_CALLS_PER_ORDER_TARGET = 3.0;
export const SPREAD_TARGET = 0.1;

export interface BulkOptions {
  orders: number;
  rps: number;
  /** The same orders at a limit where this machine's CPU binds (0: none): orders/s and CPU, no target. */
  cpuRps: number;
  /** A small run with slow activations, to count the status polls (undefined: none). */
  slowActivation?: { orders: number; delayMs: number };
  /** The main run this many times, each in a fresh stack (their spread is a target). */
  runs: number;
  progress: (line: string) => void;
}

/** How long the simulator takes to activate a SIM, and the functions' POLL_FIRST_DELAY_SECONDS (default: local 3). */
export interface ActivationTiming {
  delayMs: number;
  firstPollSeconds?: number;
}

/** What one bulk run measured (plain data: it crosses a process boundary). */
export interface BulkMeasurement {
  orders: number;
  rps: number;
  activation: ActivationTiming;
  statusPollsPerOrder: number;
  plans: number;
  /** SIMs with more than one plan subscribed (simulator counters): money spent twice. */
  doublePlans: number;
  submitSeconds: number;
  wallSeconds: number;
  completed: number;
  failed: number;
  notFinal: number;
  calls: number;
  callsByRoute: [string, number][];
  tokenRequests: number;
  rateLimited: number;
  byPoll: number;
  cpuSeconds: number;
  /** CPU seconds of the stack's child processes (emulators, worker host, simulator) over the same time. */
  childCpu: { name: string; seconds: number }[];
  eventLoopUtilization: number;
  cpuByComponent: { component: string; ms: number }[];
  requestsByOperation: [string, number][];
  phases: string[][];
  /** Seconds after the first POST at which Transatel accepted the first and the last activation. */
  activationsFromTo: [number, number];
  /** AWS requests and Lambda time, every process, for the cost per 1,000 orders (table 3e). */
  aws: { usage: CountedUsage; context: CostContext };
}

function totalCalls(calls: Record<string, number>): number {
  return sum(Object.values(calls));
}

/** Seconds between the first timeline entry with `from` and the first with `to` (undefined if either is missing). */
function phaseSeconds(order: StoredOrder, from: string, to: string): number | undefined {
  const start = order.timeline.find((entry) => entry.status === from);
  const end = order.timeline.find((entry) => entry.status === to);
  if (!start || !end) return undefined;
  return (Date.parse(end.at) - Date.parse(start.at)) / 1000;
}

/** When, after the first POST, Transatel accepted the first and the last activation, and the last order settled. */
function fillAndDrain(orders: readonly StoredOrder[], startedAt: number): [number, number] {
  const activating = orders.flatMap((order) =>
    order.timeline.filter((entry) => entry.status === 'ACTIVATING').map((entry) => Date.parse(entry.at)),
  );
  return [(Math.min(...activating) - startedAt) / 1000, (Math.max(...activating) - startedAt) / 1000];
}

function phases(orders: readonly StoredOrder[]): string[][] {
  const rows: [string, string, string][] = [
    ['RECEIVED', 'ACTIVATING', 'activation worker picked the order up and Transatel accepted the activation'],
    ['ACTIVATING', 'ACTIVE', 'ACTIVATED webhook processed, or the status poll saw the SIM Active'],
    ['ACTIVE', 'COMPLETED', 'plan worker ordered the plan'],
    ['RECEIVED', 'COMPLETED', 'the whole order'],
  ];
  return rows.map(([from, to, what]) => {
    const values = orders.map((order) => phaseSeconds(order, from, to)).filter((v) => v !== undefined);
    const sorted = [...values].sort((a, b) => a - b);
    const p95 = sorted[Math.max(0, Math.ceil(sorted.length * 0.95) - 1)] ?? Number.NaN;
    return [`${from} → ${to}`, `${median(values).toFixed(2)} s`, `${p95.toFixed(2)} s`, what];
  });
}

/** Every queue's ReceiveMessage calls that brought messages, and records handed to consumers, both processes. */
function consumerCounts(bench: BenchStack): { receives: number; records: number } {
  const queues = Object.values(bench.stack.pollers?.counters() ?? {});
  return {
    receives: sum(queues.map((queue) => queue?.receives ?? 0)),
    records: sum(queues.map((queue) => queue?.records ?? 0)),
  };
}

/** Requests the gateway received, as the probe counted them in this process. */
function gatewayRequests(): number {
  return sum([...requestCounts()].filter(([key]) => key.startsWith('received: ')).map(([, count]) => count));
}

function minus(after: Record<string, number>, before: Record<string, number>): Record<string, number> {
  return Object.fromEntries(
    Object.entries(after)
      .map(([key, value]): [string, number] => [key, value - (before[key] ?? 0)])
      .filter(([, value]) => value !== 0),
  );
}

/**
 * What the run still sets off once every order is final (late webhooks, their events), so that the cost
 * counts it: waits until the gateway, the consumers and the emulators (idle polls aside) have been still for
 * 3 s, at most 30 s. The children report every second.
 */
async function settle(bench: BenchStack): Promise<void> {
  let last = '';
  let still = 0;
  for (const deadline = Date.now() + 30_000; still < 3 && Date.now() < deadline; ) {
    await sleep(1000);
    const { 'AmazonSQS.ReceiveMessage': _polls, ...requests } = bench.stack.usage().emulators.requests;
    const now = JSON.stringify([gatewayRequests(), consumerCounts(bench).records, requests]);
    still = now === last ? still + 1 : 0;
    last = now;
  }
}

function countedUsage(
  orders: number,
  apiRequests: number,
  receivesWithMessages: number,
  before: StackUsage,
  after: StackUsage,
): CountedUsage {
  return {
    orders,
    apiRequests,
    functions: (Object.keys(after.invocations) as FunctionName[]).map((name) => ({
      name,
      invocations: (after.invocations[name]?.count ?? 0) - (before.invocations[name]?.count ?? 0),
      billedMs: (after.invocations[name]?.billedMs ?? 0) - (before.invocations[name]?.billedMs ?? 0),
      memoryMb: functions[name].memoryMb,
    })),
    requests: minus(after.emulators.requests, before.emulators.requests),
    receivesWithMessages,
    capacityUnits: minus(after.emulators.capacityUnits, before.emulators.capacityUnits),
    failedRequests: minus(after.emulators.failed, before.emulators.failed),
  };
}

/**
 * One bulk run, in the current process: N activation-with-plan orders through the whole local stack, against a
 * simulator (own process) limited to R Transatel calls per second over all routes (globalRps), activation
 * delay 0, TRANSATEL_MAX_RPS = R for the functions.
 */
export async function measureBulk(
  n: number,
  rps: number,
  progress: (line: string) => void,
  activation: ActivationTiming = { delayMs: 0 },
): Promise<BulkMeasurement> {
  installRequestProbe();
  const bench = await startBenchStack({
    simulator: {
      activationDelayMs: activation.delayMs,
      simCounts: { available: n },
      faults: { globalRps: rps },
    },
    maxRps: rps,
    ...(activation.firstPollSeconds === undefined
      ? {}
      : { env: { POLL_FIRST_DELAY_SECONDS: String(activation.firstPollSeconds) } }),
    simulatorLogFile: `${process.cwd()}/.bench-out/logs/bulk-simulator-${rps}-${activation.delayMs}.log`,
    countUsage: true,
  });
  const reader = new OrderReader(bench.stack);
  try {
    const plansResponse = await fetch(`${bench.stack.url}/v1/plans`);
    const { plans } = (await plansResponse.json()) as { plans: { planId: string }[] };
    if (plans.length === 0) throw new Error('GET /v1/plans returned no plan');
    const requests = Array.from({ length: n }, (_, i) => ({
      iccid: iccidFor('available', i),
      planId: (plans[i % plans.length] as { planId: string }).planId,
    }));
    const before = await bench.counters();
    // The children report every second: their counts before the run are those of an idle stack.
    await sleep(1500);
    const usageBefore = bench.stack.usage();
    const consumersBefore = consumerCounts(bench);
    resetRequestCounts();
    const profiler = await startCpuProfile();
    const cpuBefore = process.cpuUsage();
    const childrenBefore = childProcessCpu();
    const eluBefore = performance.eventLoopUtilization();

    progress(
      `bulk: submitting ${fmtInt(n)} orders (POST /v1/activations, 1,000 a call), limit ${rps} calls/s`,
    );
    const submission = await submitActivations(bench.stack.url, requests);
    progress(
      `bulk: ${fmtInt(submission.accepted.length)} accepted in ${((submission.endedAt - submission.startedAt) / 1000).toFixed(1)} s`,
    );
    const ids = submission.accepted.map((order) => order.orderId);
    const done = new Map<string, StoredOrder>();
    let pending = ids;
    let lastProgressAt = Date.now();
    let lastSubscribed = -1;
    for (;;) {
      await sleep(n > 1000 ? 2000 : 1000);
      const counters = await bench.counters();
      const subscribed = Object.keys(counters.subscriptionsBySim).length;
      if (subscribed !== lastSubscribed) lastProgressAt = Date.now();
      lastSubscribed = subscribed;
      const elapsed = (Date.now() - submission.startedAt) / 1000;
      if (Math.round(elapsed) % 10 < 2) {
        progress(
          `bulk (R ${rps}): ${elapsed.toFixed(0)} s, plans subscribed ${fmtInt(subscribed)}/${fmtInt(ids.length)}, Transatel calls ${fmtInt(totalCalls(counters.calls) - totalCalls(before.calls))}`,
        );
      }
      const quiet = Date.now() - lastProgressAt > 60_000;
      if (subscribed < ids.length && !quiet) continue;
      // Every plan is ordered (or nothing moved for a minute): read the orders not yet known to be final.
      const snapshot = await census(reader, pending);
      for (const [orderId, order] of snapshot.orders) if (FINAL.has(order.status)) done.set(orderId, order);
      pending = snapshot.pending.concat(snapshot.missing);
      if (pending.length === 0 || quiet) break;
    }
    const profile = await profiler.stop();
    const cpu = process.cpuUsage(cpuBefore);
    const children = cpuBetween(childrenBefore, childProcessCpu());
    const elu = performance.eventLoopUtilization(eluBefore);
    const after = await bench.counters();
    const requestsByOperation = [...requestCounts().entries()];
    await settle(bench);
    const usageAfter = bench.stack.usage();
    const countedSeconds = (Date.now() - submission.startedAt) / 1000;
    const receives = consumerCounts(bench).receives - consumersBefore.receives;
    const usage = countedUsage(ids.length, gatewayRequests(), receives, usageBefore, usageAfter);
    const finals = [...done.values()];
    const lastChange = Math.max(...finals.map((order) => Date.parse(order.updatedAt)));
    const completed = finals.filter((order) => order.status === 'COMPLETED').length;
    return {
      orders: ids.length,
      rps,
      activation,
      statusPollsPerOrder:
        sum(finals.map((order) => order.attempts?.statusPolls ?? 0)) / Math.max(1, finals.length),
      plans: plans.length,
      doublePlans: Object.values(after.subscriptionsBySim).filter((count) => count > 1).length,
      submitSeconds: (submission.endedAt - submission.startedAt) / 1000,
      wallSeconds: (lastChange - submission.startedAt) / 1000,
      completed,
      failed: finals.length - completed,
      notFinal: pending.length,
      calls: totalCalls(after.calls) - totalCalls(before.calls),
      callsByRoute: Object.entries(after.calls)
        .map(([route, count]): [string, number] => [route, count - (before.calls[route] ?? 0)])
        .filter(([, count]) => count > 0),
      tokenRequests: after.tokenRequests,
      rateLimited: sum(Object.values(after.faultsByRoute).map((kinds) => kinds.rateLimit ?? 0)),
      byPoll: finals.filter((order) => order.timeline.some((entry) => entry.note?.includes('status check')))
        .length,
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
      childCpu: children.map(({ name, seconds }) => ({ name, seconds })),
      eventLoopUtilization: elu.utilization,
      cpuByComponent: profile,
      requestsByOperation,
      phases: phases(finals),
      activationsFromTo: fillAndDrain(finals, submission.startedAt),
      aws: {
        usage,
        context: {
          seconds: countedSeconds,
          idleReceives: (usage.requests['AmazonSQS.ReceiveMessage'] ?? 0) - receives,
          capacityUnitsByTable: minus(
            usageAfter.emulators.capacityUnitsByTable,
            usageBefore.emulators.capacityUnitsByTable,
          ),
        },
      },
    };
  } finally {
    reader.destroy();
    await bench.stop();
  }
}

/** One measurement in a fresh process: the functions' clients and the stack's environment are per process. */
async function measureInChild(
  n: number,
  rps: number,
  progress: (line: string) => void,
  activation: ActivationTiming = { delayMs: 0 },
): Promise<BulkMeasurement> {
  const child = forkTs('bench/bulk-run.ts', [String(n), String(rps), JSON.stringify(activation)], {
    logFile: `${outRoot}/logs/bulk-${rps}-${activation.delayMs}.log`,
    onProgress: progress,
  });
  try {
    return (await child.next('result')).value as BulkMeasurement;
  } finally {
    await child.stop();
  }
}

/** CPU per order of every process, and of each, as one line. */
function fmtCpu(m: BulkMeasurement): string {
  const cpu = cpuPerOrder(m, machineCores);
  const parts = cpu.byProcess.filter((part) => part.ms * m.orders >= 50);
  return `${fmtMs(cpu.totalMs, 1)} = ${fmtPct(cpu.shareOfCores)} of the machine's ${machineCores} cores over the wall time (${parts.map((part) => `${part.process} ${fmtMs(part.ms, 1)}`).join(', ')})`;
}

/** The stack process and its children together: what the run cost the whole machine, per order. */
function everyProcessRow(m: BulkMeasurement): [string, string] {
  return ['CPU per order, every process', fmtCpu(m)];
}

function summaryTable(m: BulkMeasurement): Table {
  const callsPerOrder = m.calls / m.orders;
  const ceilingSeconds = m.calls / m.rps;
  const perRoute = m.callsByRoute
    .map(([route, count]) => `${route} ${(count / m.orders).toFixed(2)}`)
    .join(', ');
  return {
    title: `3. Bulk throughput: ${fmtInt(m.orders)} activation-with-plan orders, simulator limited to ${m.rps} Transatel calls/s`,
    columns: ['figure', 'value', 'how measured'],
    rows: [
      [
        'wall time',
        `${m.wallSeconds.toFixed(1)} s`,
        `first POST /v1/activations to the last order reaching COMPLETED/FAILED (max updatedAt of the order records); submitting took ${m.submitSeconds.toFixed(1)} s`,
      ],
      ['orders per second', (m.orders / m.wallSeconds).toFixed(1), 'orders / wall time'],
      [
        'orders completed / failed / not final',
        `${fmtInt(m.completed)} / ${fmtInt(m.failed)} / ${fmtInt(m.notFinal)}`,
        'order records read from the orders table (BatchGetItem)',
      ],
      [
        'Transatel calls per order',
        callsPerOrder.toFixed(2),
        `/_sim/counters calls during the run / N (${perRoute})`,
      ],
      [
        'rate-limit ceiling',
        `${ceilingSeconds.toFixed(1)} s`,
        'calls per order × N / R: the least time the limit allows',
      ],
      [
        'ratio to the ceiling',
        fmtRatio(ratioToCeiling(m)),
        'ceiling / wall time (1.00× = the whole limit used)',
      ],
      [
        'token requests',
        String(m.tokenRequests),
        '/_sim/counters tokenRequests, whole run (one process: one token)',
      ],
      [
        '429 from the rate limit',
        String(m.rateLimited),
        '/_sim/counters faultsByRoute rateLimit (client pacing: TRANSATEL_MAX_RPS = R)',
      ],
      [
        'orders made ACTIVE by the status poll',
        `${fmtInt(m.byPoll)} (${fmtPct(m.byPoll / Math.max(1, m.orders))})`,
        "timeline note 'status check' rather than the ACTIVATED webhook: each costs a GET subscriber",
      ],
    ],
    notes: [
      `startLocalStack as \`npm start\` runs it: gateway, API functions and the activation and plan workers' pollers in the stack process, the events worker in a second, fauxqs and dynalite in a third (pollers with the topology's batch sizes and concurrency: ${queues.activation.maxConcurrency} activation, ${queues.plan.maxConcurrency} plan, ${queues.events.maxConcurrency} events); the simulator in a fourth (globalRps R over every route, activation delay 0, N Available SIMs) delivering signed webhooks to the gateway.`,
      `Plans cycle through the ${m.plans} plans of GET /v1/plans; ICCIDs iccidFor('available', i); a V8 sampling profiler runs in the stack process during the run (table 3b); the pollers long-poll 5 s (bench/stack.ts).`,
    ],
  };
}

function whereTable(m: BulkMeasurement): Table {
  const profiled = sum(m.cpuByComponent.map((entry) => entry.ms));
  return {
    title: `3b. Bulk throughput: where the time goes (stack process, R ${m.rps})`,
    columns: ['figure', 'value'],
    rows: [
      [
        'stack process CPU time',
        `${m.cpuSeconds.toFixed(1)} s = ${fmtPct(m.cpuSeconds / m.wallSeconds)} of one core over the wall time`,
      ],
      ['event-loop utilization', fmtPct(m.eventLoopUtilization)],
      ['CPU per order', fmtMs((m.cpuSeconds * 1000) / m.orders, 1)],
      ...(m.childCpu.length > 0 ? [everyProcessRow(m)] : []),
      ...m.cpuByComponent
        .filter((entry) => entry.ms / profiled >= 0.01)
        .map((entry) => [
          `CPU: ${entry.component}`,
          `${fmtPct(entry.ms / profiled)} (${fmtMs(entry.ms / m.orders, 2)} per order)`,
        ]),
      [
        'HTTP requests per order (sent by the stack process: AWS SDK, Transatel client; received: gateway)',
        [...m.requestsByOperation]
          .sort((a, b) => b[1] - a[1])
          .filter(([, count]) => count / m.orders >= 0.05)
          .map(([operation, count]) => `${operation} ${(count / m.orders).toFixed(2)}`)
          .join(', '),
      ],
      ...m.phases.map(([phase, p50, p95, what]) => [
        `time ${phase} (median / p95)`,
        `${p50} / ${p95}: ${what}`,
      ]),
      [
        'fill and drain',
        `first activation accepted ${m.activationsFromTo[0].toFixed(1)} s after the first POST, the last at ${m.activationsFromTo[1].toFixed(1)} s, the last order final at ${m.wallSeconds.toFixed(1)} s (order timelines)`,
      ],
    ],
    notes: [
      'CPU by component: V8 sampling profile (1 ms) of the stack process during the run, each sample given to the innermost frame of a known package; Node internals = sockets, HTTP parsing, timers.',
      'HTTP requests per order: every request the stack process sent through node:http (AWS SDK clients, the Transatel client) or its gateway received, counted by bench/probe.ts with diagnostics_channel, divided by N.',
    ],
  };
}

/**
 * Table 3c: the main run (a limit this machine keeps up with) beside the same orders at a limit where its CPU
 * binds: orders per second and CPU per order, every process and each.
 */
function machineTable(main: BulkMeasurement, cpuBound: BulkMeasurement): Table {
  const runs = [main, cpuBound];
  const processes = [
    ...new Set(runs.flatMap((m) => cpuPerOrder(m, machineCores).byProcess.map((p) => p.process))),
  ];
  return {
    title: `3c. Bulk throughput: the rate limit or the machine? (R ${main.rps} and R ${cpuBound.rps}; no target at R ${cpuBound.rps})`,
    columns: [
      'run',
      'wall',
      'orders/s',
      'calls/order',
      'ratio to the ceiling',
      'CPU per order, every process',
      ...processes,
      `share of the ${machineCores} cores`,
    ],
    rows: runs.map((m) => {
      const cpu = cpuPerOrder(m, machineCores);
      return [
        `R ${m.rps}, N ${fmtInt(m.orders)}`,
        `${m.wallSeconds.toFixed(1)} s`,
        (m.orders / m.wallSeconds).toFixed(1),
        (m.calls / m.orders).toFixed(2),
        fmtRatio(ratioToCeiling(m)),
        fmtMs(cpu.totalMs, 1),
        ...processes.map((name) => fmtMs(cpu.byProcess.find((p) => p.process === name)?.ms ?? 0, 1)),
        fmtPct(cpu.shareOfCores),
      ];
    }),
    notes: [
      `The main run's limit (R ${main.rps}) is one this machine keeps up with, as AWS keeps up with any rate Transatel allows: there the limit binds and the throughput target holds. At R ${cpuBound.rps} the stack, the emulators, the events worker and the simulator share ${machineCores} cores, and the CPU, not the limit, bounds the rate: its orders per second and CPU per order say what this machine does, not what Lambda would (no target). CPU: the bench's stack process (process.cpuUsage) and each child process (/proc utime + stime), over the wall time, divided by N.`,
    ],
  };
}

/** Part 3: the bulk run at R (its target), the same orders at the CPU-bound limit, slow activations. */
export async function runBulk(options: BulkOptions): Promise<PartResult> {
  const started = performance.now();
  const alone = options.cpuRps <= 0 && !options.slowActivation && options.runs === 1;
  // This part already runs in a fresh process: a single measurement needs no process of its own.
  const runs: BulkMeasurement[] = [];
  for (let run = 0; run < options.runs; run++) {
    runs.push(
      alone
        ? await measureBulk(options.orders, options.rps, options.progress)
        : await measureInChild(options.orders, options.rps, options.progress),
    );
  }
  const main = medianRun(runs);
  const cpuBound =
    options.cpuRps > 0 ? await measureInChild(options.orders, options.cpuRps, options.progress) : undefined;
  // Slow activations, with the first status check after 5 s (the default until c15e9cb) and after the
  // functions' current default (what AWS runs).
  const slow: BulkMeasurement[] = [];
  if (options.slowActivation) {
    for (const firstPollSeconds of [5, defaultWorkflowSettings.firstPollDelaySeconds]) {
      slow.push(
        await measureInChild(options.slowActivation.orders, options.rps, options.progress, {
          delayMs: options.slowActivation.delayMs,
          firstPollSeconds,
        }),
      );
    }
  }
  const everyRun = [...runs, ...(cpuBound ? [cpuBound] : []), ...slow];
  const tables = [summaryTable(main), whereTable(main)];
  if (runs.length > 1) tables.push(repeatTable(runs));
  if (cpuBound) tables.push(machineTable(main, cpuBound));
  if (slow.length > 0) {
    const line = (m: BulkMeasurement) => [
      `${(m.activation.delayMs / 1000).toFixed(0)} s`,
      String(m.activation.firstPollSeconds ?? 3),
      fmtInt(m.orders),
      (m.calls / m.orders).toFixed(2),
      m.callsByRoute.map(([route, count]) => `${route} ${(count / m.orders).toFixed(2)}`).join(', '),
      m.statusPollsPerOrder.toFixed(2),
      fmtPct(m.byPoll / Math.max(1, m.orders)),
    ];
    tables.push({
      title: '3d. Bulk throughput: Transatel calls per order when an activation takes time',
      columns: [
        'activation',
        'first poll (s)',
        'orders',
        'calls/order',
        'by route',
        'checks finding the SIM not yet Active, per order',
        'ACTIVE by poll',
      ],
      rows: [line(main), ...slow.map(line)],
      notes: [
        `First row: the run of table 3 (local POLL_FIRST_DELAY_SECONDS 3). Next rows: the same bulk run (R ${main.rps}) with the simulator completing activations after ${((slow[0]?.activation.delayMs ?? 0) / 1000).toFixed(0)} s, the first status check after 5 s (the default until commit c15e9cb) and after ${defaultWorkflowSettings.firstPollDelaySeconds} s (the functions' default now). The ACTIVATED webhooks all arrive; a status check while the SIM is still Available costs a GET subscriber and a GET transaction, so the plan worker makes one only when the webhook is late (docs/design.md, the activation watch).`,
      ],
    });
  }
  const cost = awsCostTable(main.aws.usage, main.aws.context);
  tables.push(cost.table);
  const [dominant] = cost.summary.byLine;
  const ratio = ratioToCeiling(main);
  return {
    part: 'bulk',
    seconds: (performance.now() - started) / 1000,
    tables,
    targets: [
      {
        target: `bulk throughput ≥ ${BULK_TARGET} of the rate-limit ceiling (N ${fmtInt(main.orders)}, R ${main.rps})`,
        measured: `${fmtRatio(ratio)} (${(main.orders / main.wallSeconds).toFixed(1)} orders/s, ${(main.calls / main.orders).toFixed(2)} calls/order; CPU ${fmtPct(cpuPerOrder(main, machineCores).shareOfCores)} of the ${machineCores} cores)`,
        pass: ratio >= BULK_TARGET && main.notFinal === 0,
      },
      ...(cpuBound
        ? [
            {
              target: `bulk at R ${cpuBound.rps} (N ${fmtInt(cpuBound.orders)}), where this machine's CPU binds: orders/s and CPU per order by process (table 3c; reported, no target)`,
              measured: `${(cpuBound.orders / cpuBound.wallSeconds).toFixed(1)} orders/s (${fmtRatio(ratioToCeiling(cpuBound))} the ceiling); CPU per order ${fmtCpu(cpuBound)}`,
              pass: undefined,
            },
          ]
        : []),
      {
        target: `Transatel calls per order ≤ ${CALLS_PER_ORDER_TARGET} (R ${main.rps}, every webhook delivered)`,
        measured: (main.calls / main.orders).toFixed(2),
        pass: main.calls / main.orders <= CALLS_PER_ORDER_TARGET,
      },
      ...slow
        .filter((m) => (m.activation.firstPollSeconds ?? 3) < 30)
        .map((m) => ({
          target: `Transatel calls per order ≤ ${SLOW_CALLS_PER_ORDER_TARGET}, activations of ${(m.activation.delayMs / 1000).toFixed(0)} s (first poll ${m.activation.firstPollSeconds} s)`,
          measured: (m.calls / m.orders).toFixed(2),
          pass: m.calls / m.orders <= SLOW_CALLS_PER_ORDER_TARGET,
        })),
      ...(runs.length > 1
        ? [
            {
              target: `${runs.length} runs within ±${fmtPct(SPREAD_TARGET)} of their mean ratio (table 3f)`,
              measured: `${runs.map((run) => fmtRatio(ratioToCeiling(run))).join(', ')}: furthest ${fmtPct(spreadAroundMean(runs.map(ratioToCeiling)))} from the mean`,
              pass: spreadAroundMean(runs.map(ratioToCeiling)) <= SPREAD_TARGET,
            },
          ]
        : []),
      {
        target: 'plans bought twice: 0 (every bulk run)',
        measured: String(sum(everyRun.map((m) => m.doublePlans))),
        pass: everyRun.every((m) => m.doublePlans === 0),
      },
      { target: 'token requests ≈ 1', measured: String(main.tokenRequests), pass: main.tokenRequests <= 2 },
      {
        target: 'AWS cost per 1,000 orders (table 3e; reported, no target)',
        measured: `$${cost.summary.total.toFixed(4)}${dominant ? `, most of it ${dominant.service} ${dominant.what} (${fmtPct(dominant.usd / cost.summary.total)})` : ''}`,
        pass: undefined,
      },
    ],
  };
}
