import {
  type FaultConfig,
  iccidFor,
  type SimCategory,
  type SimulatorVariant,
} from '../local/simulator/index.js';
import { queues } from '../shared/topology.js';
import {
  census,
  type DeadLetter,
  drainDeadLetters,
  FINAL,
  OrderReader,
  type StoredOrder,
  sleep,
  submitActivations,
} from './orders.js';
import { startBenchStack } from './stack.js';
import { seededRandom, shuffled, sum } from './stats.js';
import { fmtInt, type PartResult, type Table } from './table.js';

/** The issue's fault mix: 10 % 5xx, 5 % 429, 2 % responses lost after the commit, webhooks 20 % duplicated, 10 % dropped, 10 % reordered. */
export const RELIABILITY_FAULTS: FaultConfig = {
  routes: { '*': { errorRate: 0.1, throttleRate: 0.05, retryAfterSeconds: 1, loseResponseRate: 0.02 } },
  webhooks: { duplicateRate: 0.2, dropRate: 0.1, reorderRate: 0.1 },
};

/** What an order for a SIM of this kind should end as. */
type Cohort = 'available' | 'available-esim' | 'preactivated' | 'active' | 'terminated' | 'unknown';
const COMPLETES: ReadonlySet<Cohort> = new Set(['available', 'available-esim', 'preactivated', 'active']);

/** Shares of the orders: mostly SIMs to activate, some straight to their plan, a few that must fail. */
const MIX: [Cohort, number][] = [
  ['available', 0.7],
  ['available-esim', 0.1],
  ['preactivated', 0.08],
  ['active', 0.07],
  ['terminated', 0.03],
  ['unknown', 0.02],
];

export interface ReliabilityOptions {
  orders: number;
  /** SQS visibility timeout of every queue (the topology's is 6× the consumer timeout: 120-180 s). */
  visibilityTimeoutSeconds: number;
  /** An order not final this long after the last one was accepted is stuck. */
  settleSeconds: number;
  separateSimulator: boolean;
  logLevel?: string;
  faults?: FaultConfig;
  /** PLAN_CLAIM_LEASE_SECONDS of the functions (default 60): how long a plan order claim protects it. */
  claimLeaseSeconds?: number;
  /** How the simulator answers where Transatel's documentation is silent (default documented). */
  variant?: SimulatorVariant;
  progress?: (line: string) => void;
}

export interface FailureGroup {
  code: string;
  cohort: Cohort;
  expected: boolean;
  count: number;
  sample: string;
}

export interface DeadLetterGroup {
  queue: string;
  reason: string;
  count: number;
}

export interface ReliabilityReport {
  submitted: number;
  accepted: number;
  rejected: number;
  completed: number;
  failed: number;
  /** Orders held for a person (NEEDS_REVIEW): their plan may have been bought and Transatel cannot prove it. */
  needsReview: number;
  reviewReasons: { code: string; count: number }[];
  failures: FailureGroup[];
  stuck: { orderId: string; iccid: string; status: string }[];
  lost: string[];
  doubleSubscriptions: { iccid: string; subscriptions: number }[];
  deadLetters: DeadLetterGroup[];
  deadLetterCount: number;
  faultsInjected: Record<string, number>;
  webhooks: Record<string, number>;
  transatelCalls: number;
  tokenRequests: number;
  /** Submission start to the last order reaching a final state (or to the end of the settle time). */
  wallSeconds: number;
  /** Seconds from the last accepted order to the moment every order was final (or settle ran out). */
  settledAfterSeconds: number;
  settleSeconds: number;
  visibilityTimeoutSeconds: number;
  claimLeaseSeconds: number;
  variant: SimulatorVariant;
  /** The slowest orders to settle: seconds from RECEIVED to final, and their timeline notes. */
  slowest: { orderId: string; cohort: string; seconds: number; path: string }[];
}

function slowestOrders(orders: Iterable<StoredOrder>, cohortOf: Map<string, string>, count: number) {
  return [...orders]
    .map((order) => ({
      orderId: order.orderId,
      cohort: cohortOf.get(order.iccid) ?? '?',
      seconds: (Date.parse(order.updatedAt) - Date.parse(order.createdAt)) / 1000,
      path: order.timeline
        .map(
          (entry) =>
            `${((Date.parse(entry.at) - Date.parse(order.createdAt)) / 1000).toFixed(0)}s ${entry.status}${entry.note ? ` (${entry.note})` : ''}`,
        )
        .join(' → '),
    }))
    .sort((a, b) => b.seconds - a.seconds)
    .slice(0, count);
}

function planFor(index: number, plans: readonly string[]): string {
  return plans[index % plans.length] as string;
}

/** N orders over the mix, with distinct SIMs (each SIM ordered once), in a seeded shuffled order. */
function orderMix(n: number): { iccid: string; cohort: Cohort }[] {
  const out: { iccid: string; cohort: Cohort }[] = [];
  let remaining = n;
  MIX.forEach(([cohort, share], index) => {
    const count = index === MIX.length - 1 ? remaining : Math.round(n * share);
    remaining -= count;
    for (let i = 0; i < count; i++) {
      // Unknown SIMs: well-formed ICCIDs (Luhn) far beyond the seeded range.
      const iccid =
        cohort === 'unknown' ? iccidFor('available', 90_000_000 + i) : iccidFor(cohort as SimCategory, i);
      out.push({ iccid, cohort });
    }
  });
  return shuffled(out, seededRandom(42));
}

function simCounts(mix: readonly { cohort: Cohort }[]): Partial<Record<SimCategory, number>> {
  const count = (cohort: Cohort) => mix.filter((order) => order.cohort === cohort).length;
  return {
    available: count('available'),
    'available-esim': count('available-esim'),
    preactivated: count('preactivated'),
    active: count('active'),
    terminated: count('terminated'),
  };
}

function explainDeadLetter(letter: DeadLetter, orders: Map<string, StoredOrder>): string {
  let body: unknown;
  try {
    body = JSON.parse(letter.body);
  } catch {
    return 'body is not JSON';
  }
  const record = body as { orderId?: unknown; step?: unknown; header?: { eventType?: unknown } };
  if (typeof record.orderId === 'string') {
    const order = orders.get(record.orderId);
    if (!order) return `step ${String(record.step)} of an order with no record`;
    if (order.status === 'FAILED')
      return `step ${String(record.step)}: order FAILED ${order.failure?.code ?? ''}`.trim();
    return `step ${String(record.step)}: order ${order.status} (message outlived its order's progress)`;
  }
  if (record.header && typeof record.header.eventType === 'string') return `event ${record.header.eventType}`;
  return 'unrecognised message';
}

/**
 * Part 4: orders through the whole local stack while the simulator injects faults. Every accepted order is
 * followed to a final state; what is not final after the settle time is stuck, what has no record is lost.
 */
export async function runReliability(options: ReliabilityOptions): Promise<ReliabilityReport> {
  const progress = options.progress ?? (() => {});
  const mix = orderMix(options.orders);
  const cohortOf = new Map(mix.map((order) => [order.iccid, order.cohort]));
  const bench = await startBenchStack({
    simulator: {
      activationDelayMs: 0,
      simCounts: simCounts(mix),
      variant: options.variant ?? 'documented',
      // Webhooks a gateway refused are sent again after 5 s (Transatel: every 10 minutes).
    },
    webhookRetryScheduleMs: Array.from({ length: 20 }, () => 5_000),
    separateSimulator: options.separateSimulator,
    visibilityTimeoutOverrideSeconds: options.visibilityTimeoutSeconds,
    env: { PLAN_CLAIM_LEASE_SECONDS: String(options.claimLeaseSeconds ?? 60) },
    ...(options.logLevel ? { logLevel: options.logLevel } : {}),
  });
  const reader = new OrderReader(bench.stack);
  try {
    const { plans } = (await (await fetch(`${bench.stack.url}/v1/plans`)).json()) as {
      plans: { planId: string }[];
    };
    const planIds = plans.map((plan) => plan.planId);
    // Faults start once the catalogue is cached: the run is about orders, not about GET /v1/plans.
    await bench.setFaults(options.faults ?? RELIABILITY_FAULTS);
    progress(`reliability: submitting ${fmtInt(mix.length)} orders under faults`);
    const submission = await submitActivations(
      bench.stack.url,
      mix.map((order, index) => ({ iccid: order.iccid, planId: planFor(index, planIds) })),
      500,
    );
    const ids = submission.accepted.map((order) => order.orderId);
    const iccidOf = new Map(submission.accepted.map((order) => [order.orderId, order.iccid]));
    const deadline = submission.endedAt + options.settleSeconds * 1000;
    let pending = ids;
    const finals = new Map<string, StoredOrder>();
    let missing: string[] = [];
    let settledAt = Date.now();
    let lastReported = -1;
    let lastReportAt = 0;
    for (;;) {
      const snapshot = await census(reader, pending);
      for (const [orderId, order] of snapshot.orders) if (FINAL.has(order.status)) finals.set(orderId, order);
      // An order with no record is looked for again at every census, until the end: it is lost only if it never shows.
      missing = snapshot.missing;
      pending = snapshot.pending.concat(missing);
      settledAt = Date.now();
      if (finals.size !== lastReported || settledAt - lastReportAt > 10_000) {
        progress(
          `reliability: ${((settledAt - submission.startedAt) / 1000).toFixed(0)} s, final ${fmtInt(finals.size)}/${fmtInt(ids.length)}, not final ${fmtInt(pending.length - missing.length)}, no record ${missing.length}`,
        );
        lastReported = finals.size;
        lastReportAt = settledAt;
      }
      if (pending.length === 0 || Date.now() > deadline) break;
      // Few orders left: look more often, so the wall time is not rounded up to the census interval.
      await sleep(pending.length > 50 ? 3000 : 500);
    }
    // Everything settled: stop injecting, let in-flight work finish, then read the DLQs and the counters.
    await bench.setFaults({});
    const counters = await bench.counters();
    const lostIds = new Set(missing);
    const notFinal = pending.filter((orderId) => !lostIds.has(orderId));
    const stuckOrders = notFinal.length > 0 ? await reader.read(notFinal) : new Map<string, StoredOrder>();
    const all = new Map([...finals, ...stuckOrders]);
    const letters = await drainDeadLetters(bench.stack);
    const orderedOnce = new Set(mix.map((order) => order.iccid));
    const doubles = Object.entries(counters.subscriptionsBySim)
      .filter(([iccid, count]) => orderedOnce.has(iccid) && count > 1)
      .map(([iccid, subscriptions]) => ({ iccid, subscriptions }));

    const failureGroups = new Map<string, FailureGroup>();
    const reviewReasons = new Map<string, number>();
    let completed = 0;
    let needsReview = 0;
    for (const order of finals.values()) {
      if (order.status === 'COMPLETED') {
        completed += 1;
        continue;
      }
      if (order.status === 'NEEDS_REVIEW') {
        needsReview += 1;
        const code = order.failure?.code ?? '(no reason recorded)';
        reviewReasons.set(code, (reviewReasons.get(code) ?? 0) + 1);
        continue;
      }
      const cohort = cohortOf.get(order.iccid) ?? 'unknown';
      const code = order.failure?.code ?? '(no failure recorded)';
      const key = `${cohort}|${code}`;
      const group = failureGroups.get(key) ?? {
        code,
        cohort,
        expected: !COMPLETES.has(cohort),
        count: 0,
        sample: (order.failure?.detail ?? '').slice(0, 160),
      };
      group.count += 1;
      failureGroups.set(key, group);
    }
    const letterGroups = new Map<string, DeadLetterGroup>();
    for (const letter of letters) {
      const reason = explainDeadLetter(letter, all);
      const key = `${letter.queue}|${reason}`;
      const group = letterGroups.get(key) ?? { queue: letter.queue, reason, count: 0 };
      group.count += 1;
      letterGroups.set(key, group);
    }
    const lastFinal = Math.max(
      submission.endedAt,
      ...[...finals.values()].map((order) => Date.parse(order.updatedAt)),
    );
    return {
      submitted: mix.length,
      accepted: ids.length,
      rejected: submission.rejected,
      completed,
      failed: finals.size - completed - needsReview,
      needsReview,
      reviewReasons: [...reviewReasons].map(([code, count]) => ({ code, count })),
      failures: [...failureGroups.values()].sort((a, b) => b.count - a.count),
      stuck: notFinal.map((orderId) => ({
        orderId,
        iccid: iccidOf.get(orderId) ?? '',
        status: stuckOrders.get(orderId)?.status ?? '(no record)',
      })),
      lost: missing,
      doubleSubscriptions: doubles,
      deadLetters: [...letterGroups.values()].sort((a, b) => b.count - a.count),
      deadLetterCount: letters.length,
      faultsInjected: { ...counters.faultsInjected },
      webhooks: { ...counters.webhooks },
      transatelCalls: sum(Object.values(counters.calls)),
      tokenRequests: counters.tokenRequests,
      wallSeconds: ((pending.length === 0 ? lastFinal : settledAt) - submission.startedAt) / 1000,
      settledAfterSeconds: ((pending.length === 0 ? lastFinal : settledAt) - submission.endedAt) / 1000,
      settleSeconds: options.settleSeconds,
      visibilityTimeoutSeconds: options.visibilityTimeoutSeconds,
      claimLeaseSeconds: options.claimLeaseSeconds ?? 60,
      variant: options.variant ?? 'documented',
      slowest: slowestOrders(finals.values(), cohortOf, 3),
    };
  } finally {
    reader.destroy();
    await bench.stop();
  }
}

/** The settle time for a visibility timeout: every delivery of a message failing, twice the claim lease, a minute. */
export function settleSecondsFor(visibilityTimeoutSeconds: number, claimLeaseSeconds = 60): number {
  return queues.plan.maxReceiveCount * visibilityTimeoutSeconds + 2 * (claimLeaseSeconds + 1) + 60;
}

export function reliabilityTables(report: ReliabilityReport): Table[] {
  const faults = report.faultsInjected;
  const webhooks = report.webhooks;
  const summary: Table = {
    title: `4. Reliability: ${fmtInt(report.accepted)} orders under injected faults${report.variant === 'documented' ? '' : ` (simulator variant ${report.variant})`}`,
    columns: ['figure', 'value', 'how measured'],
    rows: [
      [
        'orders accepted',
        `${fmtInt(report.accepted)} of ${fmtInt(report.submitted)}`,
        'POST /v1/activations, 500 SIMs a call; each SIM ordered once',
      ],
      ['orders completed', fmtInt(report.completed), 'order records with status COMPLETED'],
      ['orders failed', fmtInt(report.failed), 'status FAILED; reasons below'],
      [
        'orders held for review',
        fmtInt(report.needsReview),
        `status NEEDS_REVIEW (a plan answer lost and an inventory that cannot tell)${report.reviewReasons.length ? `: ${report.reviewReasons.map((r) => `${r.code} ×${r.count}`).join(', ')}` : ''}`,
      ],
      [
        'orders stuck',
        fmtInt(report.stuck.length),
        `not COMPLETED/FAILED/NEEDS_REVIEW ${report.settleSeconds} s after the last order was accepted (= 5 deliveries × the ${report.visibilityTimeoutSeconds} s visibility timeout + 2 × (${report.claimLeaseSeconds} s claim lease + 1 s) + 60 s)${report.stuck.length === 0 ? `; all were final ${report.settledAfterSeconds.toFixed(0)} s after it` : ''}`,
      ],
      [
        'orders lost',
        fmtInt(report.lost.length),
        'accepted by the API (orderId answered) but no record in the orders table',
      ],
      [
        'plans subscribed more than once',
        fmtInt(report.doubleSubscriptions.length),
        '/_sim/counters subscriptionsBySim > 1 for SIMs ordered once',
      ],
      [
        'messages in the DLQs',
        fmtInt(report.deadLetterCount),
        'all three DLQs read (and emptied) after the run; reasons below',
      ],
      [
        'wall time',
        `${report.wallSeconds.toFixed(0)} s`,
        'first POST to the last order reaching a final state',
      ],
      [
        'faults injected',
        `5xx ${fmtInt(faults.error ?? 0)}, 429 ${fmtInt(faults.throttle ?? 0)}, responses lost ${fmtInt(faults.loseResponse ?? 0)}`,
        `/_sim/counters faultsInjected, over ${fmtInt(report.transatelCalls)} Transatel calls (token requests: ${report.tokenRequests})`,
      ],
      [
        'webhook faults',
        `emitted ${fmtInt(webhooks.emitted ?? 0)}: duplicated ${fmtInt(webhooks.duplicated ?? 0)}, dropped ${fmtInt(webhooks.dropped ?? 0)}, reordered ${fmtInt(webhooks.reordered ?? 0)}`,
        '/_sim/counters webhooks',
      ],
    ],
    notes: [
      'Faults (simulator, every route incl. token): errorRate 0.10 (500), throttleRate 0.05 (429, Retry-After 1), loseResponseRate 0.02 (activate and OCS orders: committed, then the socket is destroyed); webhooks duplicateRate 0.2, dropRate 0.1, reorderRate 0.1.',
      'SIMs: 70 % Available, 10 % Available eSIM, 8 % Pre-activated (plan preloaded), 7 % Active (plan subscribed), 3 % Terminated and 2 % unknown ICCIDs (both must fail); activation delay 0; plans cycle through GET /v1/plans.',
      `Local stack with the topology's batch sizes, concurrency and maxReceiveCount; visibility timeout ${report.visibilityTimeoutSeconds} s on every queue instead of 120-180 s (only the wait before a redelivery changes); POLL_FIRST_DELAY_SECONDS 3, plan claim lease ${report.claimLeaseSeconds} s.`,
    ],
  };
  const failures: Table = {
    title: '4b. Reliability: why orders failed',
    columns: ['SIMs', 'failure code', 'orders', 'expected', 'detail (first)'],
    rows: report.failures.map((group) => [
      group.cohort,
      group.code,
      fmtInt(group.count),
      group.expected ? 'yes' : 'NO',
      group.sample,
    ]),
  };
  const dlq: Table = {
    title: '4c. Reliability: what is in the DLQs, and why',
    columns: ['queue', 'reason', 'messages'],
    rows: report.deadLetters.length
      ? report.deadLetters.map((group) => [`${group.queue}-dlq`, group.reason, fmtInt(group.count)])
      : [['(all)', 'empty', '0']],
  };
  const slow: Table = {
    title: '4d. Reliability: the slowest orders, and why',
    columns: ['SIM', 'seconds', 'timeline (seconds after RECEIVED)'],
    rows: report.slowest.map((order) => [order.cohort, order.seconds.toFixed(0), order.path]),
  };
  const tables = [summary, failures, dlq, slow];
  if (report.stuck.length > 0) {
    tables.push({
      title: '4e. Reliability: stuck orders (first 20)',
      columns: ['orderId', 'iccid', 'status'],
      rows: report.stuck.slice(0, 20).map((order) => [order.orderId, order.iccid, order.status]),
    });
  }
  return tables;
}

export interface ReliabilityPartOptions {
  orders: number;
  visibilityTimeoutSeconds: number;
  claimLeaseSeconds: number;
  variant?: SimulatorVariant;
  progress: (line: string) => void;
}

export async function runReliabilityPart(options: ReliabilityPartOptions): Promise<PartResult> {
  const started = performance.now();
  const { visibilityTimeoutSeconds, claimLeaseSeconds } = options;
  const report = await runReliability({
    orders: options.orders,
    visibilityTimeoutSeconds,
    claimLeaseSeconds,
    settleSeconds: settleSecondsFor(visibilityTimeoutSeconds, claimLeaseSeconds),
    separateSimulator: true,
    ...(options.variant ? { variant: options.variant } : {}),
    progress: options.progress,
  });
  const unexpected = report.failures.filter((group) => !group.expected);
  return {
    part: 'reliability',
    seconds: (performance.now() - started) / 1000,
    tables: reliabilityTables(report),
    targets: [
      {
        target: 'reliability: 0 orders lost',
        measured: String(report.lost.length),
        pass: report.lost.length === 0,
      },
      {
        target: 'reliability: 0 orders stuck',
        measured: String(report.stuck.length),
        pass: report.stuck.length === 0,
      },
      {
        target: 'reliability: 0 plans subscribed twice',
        measured: String(report.doubleSubscriptions.length),
        pass: report.doubleSubscriptions.length === 0,
      },
      {
        target: 'reliability: orders failed only where they must (terminated/unknown SIMs)',
        measured: unexpected.length
          ? `${sum(unexpected.map((g) => g.count))} unexpected: ${unexpected.map((g) => `${g.code} ×${g.count}`).join(', ')}`
          : 'none unexpected',
        pass: undefined,
      },
    ],
  };
}
