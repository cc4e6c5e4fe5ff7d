import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { BatchGetCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../local/aws.js';
import {
  AWS_FAULT_KINDS,
  AWS_SERVICES,
  type AwsFaultCounters,
  type AwsFaultRates,
  totalAwsFaults,
} from '../local/aws-faults.js';
import {
  type FaultConfig,
  iccidFor,
  type SimCategory,
  type SimulatorVariant,
} from '../local/simulator/index.js';
import type { LocalStack } from '../local/stack.js';
import { functions, queues } from '../shared/topology.js';
import {
  type AcceptedOrder,
  census,
  type DeadLetter,
  drainDeadLetters,
  FINAL,
  OrderReader,
  type OrderRequest,
  type StoredOrder,
  type Submission,
  sleep,
} from './orders.js';
import { type BenchStack, startBenchStack } from './stack.js';
import { seededRandom, shuffled, sum } from './stats.js';
import { fmtInt, type PartResult, type Table } from './table.js';

/** The issue's fault mix: 10 % 5xx, 5 % 429, 2 % responses lost after the commit, webhooks 20 % duplicated, 10 % dropped, 10 % reordered. */
export const RELIABILITY_FAULTS: FaultConfig = {
  routes: { '*': { errorRate: 0.1, throttleRate: 0.05, retryAfterSeconds: 1, loseResponseRate: 0.02 } },
  webhooks: { duplicateRate: 0.2, dropRate: 0.1, reorderRate: 0.1 },
};

/**
 * AWS faults of `--aws-faults`, on every call the functions make to DynamoDB, SQS, SNS and S3: 4 % throttled,
 * 3 % answered a 5xx, 2 % processed and then reset before the answer (the caller retries: a write may land twice).
 */
export const RELIABILITY_AWS_FAULTS: AwsFaultRates = { throttleRate: 0.04, errorRate: 0.03, resetRate: 0.02 };

/** The AWS fault dice's seed of the reliability runs. */
export const RELIABILITY_AWS_FAULT_SEED = 52;

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
  /** AWS faults on the functions' calls (local/aws-faults.ts), from when the Transatel faults start (default none). */
  awsFaults?: AwsFaultRates;
  /** Seed of the AWS fault dice (default RELIABILITY_AWS_FAULT_SEED). */
  awsFaultSeed?: number;
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

/** What became of the webhook events the simulator delivered. */
export interface EventReport {
  /** Events delivered to the gateway at least once (of the last 5,000 the simulator emitted and keeps). */
  delivered: number;
  /** Of those, the events with a completed claim (the events worker's record that it processed them). */
  processed: number;
  /** Delivered, and no completed claim (first 20): `<eventId> (claim IN_PROGRESS|absent)`. */
  notProcessed: string[];
  /** Delivered events whose notification is on the events topic (read from the tap queue). */
  published: number;
  /** Notifications beyond one per event: a publish sent again, or an event processed twice. */
  extraCopies: number;
  /** Emitted events the simulator no longer keeps (left out of these figures). */
  unchecked: number;
}

export interface ReliabilityReport {
  submitted: number;
  accepted: number;
  rejected: number;
  /** Bulk calls answered a 5xx or 429 and sent again with their Idempotency-Key; statuses of those that gave up. */
  bulkCalls: { retried: number; failed: number[] };
  completed: number;
  failed: number;
  /** Orders held for a person (NEEDS_REVIEW): their plan may have been bought and Transatel cannot prove it. */
  needsReview: number;
  reviewReasons: { code: string; count: number }[];
  failures: FailureGroup[];
  /** `path`: the order's timeline, seconds after RECEIVED. */
  stuck: { orderId: string; iccid: string; status: string; path: string }[];
  lost: string[];
  doubleSubscriptions: { iccid: string; subscriptions: number }[];
  deadLetters: DeadLetterGroup[];
  deadLetterCount: number;
  faultsInjected: Record<string, number>;
  webhooks: Record<string, number>;
  events: EventReport;
  /** The AWS fault proxy's counters, when AWS faults were on. */
  awsFaults?: { rates: AwsFaultRates; seed: number; counters: AwsFaultCounters };
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

/** An order's timeline: `<seconds after RECEIVED>s <status> (<note>)`, one step after the other. */
function timelineOf(order: StoredOrder): string {
  return order.timeline
    .map(
      (entry) =>
        `${((Date.parse(entry.at) - Date.parse(order.createdAt)) / 1000).toFixed(0)}s ${entry.status}${entry.note ? ` (${entry.note})` : ''}`,
    )
    .join(' → ');
}

function slowestOrders(orders: Iterable<StoredOrder>, cohortOf: Map<string, string>, count: number) {
  return [...orders]
    .map((order) => ({
      orderId: order.orderId,
      cohort: cohortOf.get(order.iccid) ?? '?',
      seconds: (Date.parse(order.updatedAt) - Date.parse(order.createdAt)) / 1000,
      path: timelineOf(order),
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

/** How many events the simulator keeps, and lists at most (`GET /_sim/events?limit=`). */
const SIM_EVENTS_KEPT = 5000;

interface SimEvent {
  eventId: string;
  deliveries: { status: string }[];
}

/** Every notification on the tap queue (the events topic's copy), counted by the Transatel event it came from. */
async function tapCopies(stack: LocalStack): Promise<Map<string, number>> {
  const sqs = new SQSClient({
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    endpoint: stack.endpoints.sqs,
  });
  const copies = new Map<string, number>();
  try {
    for (;;) {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: stack.tapQueueUrl,
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: 0,
          VisibilityTimeout: 600,
        }),
      );
      if (Messages.length === 0) return copies;
      for (const message of Messages) {
        let eventId: unknown;
        try {
          eventId = (JSON.parse(message.Body ?? '') as { source?: { eventId?: unknown } }).source?.eventId;
        } catch {
          continue;
        }
        if (typeof eventId === 'string') copies.set(eventId, (copies.get(eventId) ?? 0) + 1);
      }
    }
  } finally {
    sqs.destroy();
  }
}

/** The status of each event's claim in the idempotency table (shared/store/processed-events.ts's records). */
async function claimStatuses(stack: LocalStack, eventIds: readonly string[]): Promise<Map<string, string>> {
  const client = DynamoDBDocumentClient.from(
    new DynamoDBClient({
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
      endpoint: stack.endpoints.dynamodb,
    }),
  );
  const table = stack.resources.tables.idempotency;
  const prefix = 'transatel-event#';
  const statuses = new Map<string, string>();
  try {
    for (let i = 0; i < eventIds.length; i += 100) {
      let keys: Record<string, unknown>[] = eventIds
        .slice(i, i + 100)
        .map((eventId) => ({ recordKey: `${prefix}${eventId}` }));
      for (let attempt = 0; keys.length > 0 && attempt < 10; attempt++) {
        const { Responses, UnprocessedKeys } = await client.send(
          new BatchGetCommand({ RequestItems: { [table]: { Keys: keys, ConsistentRead: true } } }),
        );
        for (const item of Responses?.[table] ?? []) {
          const { recordKey, status } = item as { recordKey: string; status?: string };
          statuses.set(recordKey.slice(prefix.length), status ?? '?');
        }
        keys = (UnprocessedKeys?.[table]?.Keys as Record<string, unknown>[] | undefined) ?? [];
      }
    }
  } finally {
    client.destroy();
  }
  return statuses;
}

/**
 * Each event the simulator delivered must be processed (its claim completed) and published: once, or once more for
 * each time a publish carrying it was sent again (an AWS fault reset it after SNS had taken it). Events still in
 * flight when the orders are final are waited for until `until` (a claim whose answer was lost waits out its own
 * lease before a redelivery takes it over).
 */
async function checkEvents(bench: BenchStack, emitted: number, until: number): Promise<EventReport> {
  let delivered: string[];
  let statuses: Map<string, string>;
  let kept: number;
  for (;;) {
    const { events } = await bench.simAdmin<{ events: SimEvent[] }>(
      'GET',
      `/events?limit=${SIM_EVENTS_KEPT}`,
    );
    kept = events.length;
    delivered = events
      .filter((event) => event.deliveries.some((delivery) => delivery.status === 'delivered'))
      .map((event) => event.eventId);
    statuses = await claimStatuses(bench.stack, delivered);
    const done = delivered.every((eventId) => statuses.get(eventId) === 'COMPLETED');
    if (done || Date.now() > until) break;
    await sleep(1000);
  }
  const copies = await tapCopies(bench.stack);
  let published = 0;
  let extraCopies = 0;
  for (const eventId of delivered) {
    const count = copies.get(eventId) ?? 0;
    if (count > 0) published += 1;
    extraCopies += Math.max(0, count - 1);
  }
  const notProcessed = delivered.filter((eventId) => statuses.get(eventId) !== 'COMPLETED');
  return {
    delivered: delivered.length,
    processed: delivered.length - notProcessed.length,
    notProcessed: notProcessed
      .slice(0, 20)
      .map((eventId) => `${eventId} (claim ${statuses.get(eventId) ?? 'absent'})`),
    published,
    extraCopies,
    unchecked: Math.max(0, emitted - kept),
  };
}

/** Attempts of one bulk call: a 5xx or 429 is retried with the same Idempotency-Key, as a client would. */
const BULK_CALL_ATTEMPTS = 5;

/**
 * POST /v1/activations in chunks, one call at a time, each retried on a 5xx or 429 with its Idempotency-Key (under
 * AWS faults a call fails now and then, when one of its writes ran out of retries): the retry writes and queues
 * what the first did not.
 */
async function submitRetrying(
  baseUrl: string,
  requests: readonly OrderRequest[],
  chunk: number,
): Promise<Submission & { retriedCalls: number }> {
  const startedAt = Date.now();
  const accepted: AcceptedOrder[] = [];
  const failedCalls: number[] = [];
  let rejected = 0;
  let retriedCalls = 0;
  for (let i = 0; i < requests.length; i += chunk) {
    const sims = requests.slice(i, i + chunk).map(({ iccid, planId }) => ({ iccid, planId }));
    for (let attempt = 1; ; attempt++) {
      const response = await fetch(`${baseUrl}/v1/activations`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': `bench-${startedAt}-${i}` },
        body: JSON.stringify({ sims }),
      });
      if (response.status === 202) {
        const body = (await response.json()) as { orders: AcceptedOrder[]; rejected: unknown[] };
        for (const { orderId, iccid } of body.orders) accepted.push({ orderId, iccid });
        rejected += body.rejected.length;
        break;
      }
      await response.arrayBuffer();
      const retryable = response.status >= 500 || response.status === 429;
      if (!retryable || attempt >= BULK_CALL_ATTEMPTS) {
        failedCalls.push(response.status);
        break;
      }
      retriedCalls += 1;
      await sleep(1000);
    }
  }
  return { accepted, rejected, failedCalls, startedAt, endedAt: Date.now(), retriedCalls };
}

/**
 * Part 4: orders through the whole local stack while the simulator injects faults. Every accepted order is
 * followed to a final state; what is not final after the settle time is stuck, what has no record is lost.
 */
export async function runReliability(options: ReliabilityOptions): Promise<ReliabilityReport> {
  const progress = options.progress ?? (() => {});
  const mix = orderMix(options.orders);
  const cohortOf = new Map(mix.map((order) => [order.iccid, order.cohort]));
  const awsFaultSeed = options.awsFaultSeed ?? RELIABILITY_AWS_FAULT_SEED;
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
    ...(options.awsFaults ? { awsFaults: { seed: awsFaultSeed } } : {}),
  });
  const reader = new OrderReader(bench.stack);
  try {
    const { plans } = (await (await fetch(`${bench.stack.url}/v1/plans`)).json()) as {
      plans: { planId: string }[];
    };
    const planIds = plans.map((plan) => plan.planId);
    // Faults start once the catalogue is cached: the run is about orders, not about GET /v1/plans.
    await bench.setFaults(options.faults ?? RELIABILITY_FAULTS);
    if (options.awsFaults) bench.stack.awsFaults?.setRates(options.awsFaults);
    progress(
      `reliability: submitting ${fmtInt(mix.length)} orders under faults${options.awsFaults ? ' (AWS faults too)' : ''}`,
    );
    const submission = await submitRetrying(
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
    bench.stack.awsFaults?.setRates({});
    // Events behind the orders (one whose claim waits out its lease) are given an events worker's timeout and two
    // deliveries more, before the DLQs are read.
    const eventsUntil = Math.max(
      deadline,
      Date.now() + (functions['events-worker'].timeoutSeconds + 2 * options.visibilityTimeoutSeconds) * 1000,
    );
    const emitted = (await bench.counters()).webhooks.emitted;
    const events = await checkEvents(bench, emitted, eventsUntil);
    const awsFaultCounters = bench.stack.awsFaults?.counters();
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
      bulkCalls: { retried: submission.retriedCalls, failed: submission.failedCalls },
      completed,
      failed: finals.size - completed - needsReview,
      needsReview,
      reviewReasons: [...reviewReasons].map(([code, count]) => ({ code, count })),
      failures: [...failureGroups.values()].sort((a, b) => b.count - a.count),
      stuck: notFinal.map((orderId) => ({
        orderId,
        iccid: iccidOf.get(orderId) ?? '',
        status: stuckOrders.get(orderId)?.status ?? '(no record)',
        path: (() => {
          const order = stuckOrders.get(orderId);
          return order ? timelineOf(order) : '';
        })(),
      })),
      lost: missing,
      doubleSubscriptions: doubles,
      deadLetters: [...letterGroups.values()].sort((a, b) => b.count - a.count),
      deadLetterCount: letters.length,
      faultsInjected: { ...counters.faultsInjected },
      webhooks: { ...counters.webhooks },
      events,
      ...(options.awsFaults && awsFaultCounters
        ? { awsFaults: { rates: options.awsFaults, seed: awsFaultSeed, counters: awsFaultCounters } }
        : {}),
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
  const events = report.events;
  const aws = report.awsFaults;
  const summary: Table = {
    title: `4. Reliability: ${fmtInt(report.accepted)} orders under injected faults${report.awsFaults ? ' (Transatel and AWS)' : ''}${report.variant === 'documented' ? '' : ` (simulator variant ${report.variant})`}`,
    columns: ['figure', 'value', 'how measured'],
    rows: [
      [
        'orders accepted',
        `${fmtInt(report.accepted)} of ${fmtInt(report.submitted)}`,
        `POST /v1/activations, 500 SIMs a call; each SIM ordered once${report.bulkCalls.retried ? `; ${report.bulkCalls.retried} call(s) answered a 5xx and sent again with their Idempotency-Key` : ''}${report.bulkCalls.failed.length ? `; gave up on calls answered ${report.bulkCalls.failed.join(', ')}` : ''}`,
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
      [
        'webhook events processed',
        `${fmtInt(events.processed)} of ${fmtInt(events.delivered)} delivered; notifications ${fmtInt(events.published)}, extra copies ${fmtInt(events.extraCopies)}`,
        `events delivered at least once (/_sim/events${events.unchecked ? `, the last ${fmtInt(SIM_EVENTS_KEPT)}` : ''}) with a COMPLETED claim in the idempotency table; their notifications on the events topic (tap queue), extra copies being publishes sent again after a reset or events processed twice`,
      ],
      ...(aws ? [awsFaultRow(aws)] : []),
    ],
    notes: [
      'Faults (simulator, every route incl. token): errorRate 0.10 (500), throttleRate 0.05 (429, Retry-After 1), loseResponseRate 0.02 (activate and OCS orders: committed, then the socket is destroyed); webhooks duplicateRate 0.2, dropRate 0.1, reorderRate 0.1.',
      'SIMs: 70 % Available, 10 % Available eSIM, 8 % Pre-activated (plan preloaded), 7 % Active (plan subscribed), 3 % Terminated and 2 % unknown ICCIDs (both must fail); activation delay 0; plans cycle through GET /v1/plans.',
      `Local stack with the topology's batch sizes, concurrency and maxReceiveCount; visibility timeout ${report.visibilityTimeoutSeconds} s on every queue instead of 120-180 s (only the wait before a redelivery changes); POLL_FIRST_DELAY_SECONDS 3, plan claim lease ${report.claimLeaseSeconds} s.`,
      ...(aws
        ? [
            `AWS faults (local/aws-faults.ts, seed ${aws.seed}, on every DynamoDB, SQS, SNS and S3 call of the functions; the pollers, Lambda's event source, and the job scheduler, AWS-internal, spared): throttleRate ${aws.rates.throttleRate ?? 0}, errorRate ${aws.rates.errorRate ?? 0} (500/503), resetRate ${aws.rates.resetRate ?? 0} (processed, then the connection reset before the answer).`,
          ]
        : []),
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
  if (aws) tables.push(awsFaultTable(aws.counters));
  if (report.stuck.length > 0) {
    tables.push({
      title: '4e. Reliability: stuck orders (first 20)',
      columns: ['orderId', 'iccid', 'status', 'timeline (seconds after RECEIVED)'],
      rows: report.stuck.slice(0, 20).map((order) => [order.orderId, order.iccid, order.status, order.path]),
    });
  }
  return tables;
}

const KIND_LABELS = { throttle: 'throttled', error: '5xx', reset: 'reset' } as const;

function awsFaultRow(aws: NonNullable<ReliabilityReport['awsFaults']>): string[] {
  const total = totalAwsFaults(aws.counters.injected);
  const exposed = aws.counters.exposed;
  return [
    'AWS faults injected',
    AWS_FAULT_KINDS.map((kind) => `${KIND_LABELS[kind]} ${fmtInt(total[kind])}`).join(', '),
    `the proxy's counters, over ${fmtInt(sum(Object.values(exposed)))} calls (DynamoDB ${fmtInt(exposed.dynamodb)}, SQS ${fmtInt(exposed.sqs)}, SNS ${fmtInt(exposed.sns)}, S3 ${fmtInt(exposed.s3)}); table 4f`,
  ];
}

function awsFaultTable(counters: AwsFaultCounters): Table {
  const rows = Object.entries(counters.byOperation)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([operation, faults]) => [operation, ...AWS_FAULT_KINDS.map((kind) => fmtInt(faults[kind] ?? 0))]);
  const services = AWS_SERVICES.filter((service) => counters.resetItems[service] > 0);
  return {
    title: '4f. Reliability: AWS faults injected, by call',
    columns: ['service and operation', ...AWS_FAULT_KINDS.map((kind) => KIND_LABELS[kind])],
    rows: rows.length ? rows : [['(none)', '0', '0', '0']],
    notes: [
      `Items in the calls reset after they were processed (what may have landed twice): ${services.length ? services.map((service) => `${service} ${fmtInt(counters.resetItems[service])}`).join(', ') : 'none'}; emulator failures (not injected): ${counters.upstreamErrors}.`,
    ],
  };
}

export interface ReliabilityPartOptions {
  orders: number;
  visibilityTimeoutSeconds: number;
  claimLeaseSeconds: number;
  variant?: SimulatorVariant;
  /** Also AWS faults (RELIABILITY_AWS_FAULTS). */
  awsFaults?: boolean;
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
    ...(options.awsFaults ? { awsFaults: RELIABILITY_AWS_FAULTS } : {}),
    progress: options.progress,
  });
  const { events } = report;
  const awsTotal = report.awsFaults ? totalAwsFaults(report.awsFaults.counters.injected) : undefined;
  const snsResetItems = report.awsFaults?.counters.resetItems.sns ?? 0;
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
        target: 'reliability: every delivered webhook event processed',
        measured: `${fmtInt(events.processed)} of ${fmtInt(events.delivered)}`,
        pass: events.processed === events.delivered,
      },
      {
        target: 'reliability: no event published twice but by a publish sent again',
        measured: `${fmtInt(events.extraCopies)} extra copies, ${fmtInt(snsResetItems)} published entries reset`,
        pass: events.extraCopies <= snsResetItems,
      },
      ...(awsTotal
        ? [
            {
              target: 'reliability: every kind of AWS fault injected',
              measured: AWS_FAULT_KINDS.map((kind) => `${KIND_LABELS[kind]} ${fmtInt(awsTotal[kind])}`).join(
                ', ',
              ),
              pass: AWS_FAULT_KINDS.every((kind) => awsTotal[kind] > 0),
            },
          ]
        : []),
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
