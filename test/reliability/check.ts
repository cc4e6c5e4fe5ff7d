import { expect } from 'vitest';
import {
  RELIABILITY_AWS_FAULTS,
  type ReliabilityReport,
  runReliability,
  settleSecondsFor,
} from '#bench/reliability.js';
import { AWS_FAULT_KINDS, totalAwsFaults } from '#local/aws-faults.js';
import type { SimulatorVariant } from '#local/simulator/index.js';

/**
 * The CI-sized variant of `npm run bench -- reliability`: the same fault mix (10 % 5xx, 5 % 429, 2 % responses
 * lost after the commit; webhooks 20 % duplicated, 10 % dropped, 10 % reordered) over a few hundred orders
 * through the whole local stack, once against each simulator variant (every way Transatel may answer where its
 * documentation is silent). Shorter waits than the bench so it fits a CI minute: a 10 s visibility timeout
 * (the topology's is 120-180 s) and a 10 s plan claim lease (default 60 s): a claim only has to outlast one
 * OCS order call, which takes milliseconds here since the mix injects no latency, but every 5xx answered to a
 * plan order makes that order wait one lease before it is looked up and ordered again.
 */
const VISIBILITY_TIMEOUT_SECONDS = 10;
const CLAIM_LEASE_SECONDS = 10;

function describeReport(report: ReliabilityReport): string {
  return JSON.stringify(
    {
      variant: report.variant,
      accepted: `${report.accepted} of ${report.submitted}`,
      bulkCalls: report.bulkCalls,
      completed: report.completed,
      failed: report.failures.map((group) => `${group.cohort}:${group.code}×${group.count}`),
      needsReview: report.reviewReasons,
      stuck: report.stuck.slice(0, 5),
      lost: report.lost.slice(0, 5),
      doubleSubscriptions: report.doubleSubscriptions.slice(0, 5),
      deadLetters: report.deadLetters,
      faultsInjected: report.faultsInjected,
      webhooks: report.webhooks,
      events: report.events,
      awsFaults: report.awsFaults && {
        injected: report.awsFaults.counters.injected,
        exposed: report.awsFaults.counters.exposed,
        resetItems: report.awsFaults.counters.resetItems,
        upstreamErrors: report.awsFaults.counters.upstreamErrors,
      },
      wallSeconds: Math.round(report.wallSeconds),
    },
    null,
    2,
  );
}

/** Test timeout of one run. */
export const RUN_TIMEOUT_MS = 240_000;

/**
 * One run, and what must hold under any variant. A variant runs in a test file of its own: the functions keep
 * their clients (built on first use) for the life of the process, so one stack per process.
 */
export async function checkReliability(
  variant: SimulatorVariant,
  orders: number,
  options: { awsFaults?: boolean } = {},
): Promise<ReliabilityReport> {
  const report = await runReliability({
    orders,
    variant,
    ...(options.awsFaults ? { awsFaults: RELIABILITY_AWS_FAULTS } : {}),
    visibilityTimeoutSeconds: VISIBILITY_TIMEOUT_SECONDS,
    claimLeaseSeconds: CLAIM_LEASE_SECONDS,
    settleSeconds: settleSecondsFor(VISIBILITY_TIMEOUT_SECONDS, CLAIM_LEASE_SECONDS),
    separateSimulator: false,
    logLevel: 'SILENT',
  });
  const summary = describeReport(report);
  expect(report.accepted, summary).toBe(orders);
  expect(report.lost, summary).toEqual([]);
  expect(report.stuck, summary).toEqual([]);
  expect(report.doubleSubscriptions, summary).toEqual([]);
  // Every order ends COMPLETED, FAILED with a named reason, or held for a person.
  expect(report.completed + report.failed + report.needsReview, summary).toBe(orders);
  // The faults really happened.
  expect(report.faultsInjected.error, summary).toBeGreaterThan(0);
  expect(report.faultsInjected.throttle, summary).toBeGreaterThan(0);
  expect(report.faultsInjected.loseResponse, summary).toBeGreaterThan(0);
  expect(report.webhooks.duplicated, summary).toBeGreaterThan(0);
  expect(report.webhooks.dropped, summary).toBeGreaterThan(0);
  // Only the SIMs that cannot take an order (terminated, unknown) may fail, with Transatel's reason.
  for (const group of report.failures) {
    expect(group.expected, summary).toBe(true);
    expect(['SIM_NOT_ACTIVATABLE', 'SUBSCRIBER_NOT_FOUND'], summary).toContain(group.code);
  }
  // An order is held for review only when a plan answer was lost and the inventory cannot tell; where
  // Transatel echoes our reference (every variant but sparse) it always can.
  for (const reason of report.reviewReasons) {
    expect(['PLAN_OUTCOME_UNKNOWN', 'PROCESSING_FAILED'], summary).toContain(reason.code);
  }
  if (variant !== 'sparse') expect(report.needsReview, summary).toBe(0);
  return report;
}

/**
 * What must hold of the webhook events under AWS faults too: each one delivered was processed (its claim
 * completed), and its notification published once, or once more for each publish carrying it that a reset made
 * the caller send again (SNS had taken it: a duplicate from a retried send, which subscribers drop on the event id).
 * And each kind of AWS fault really happened, in each service the run calls.
 */
export function checkEventsAndAwsFaults(report: ReliabilityReport): void {
  const summary = describeReport(report);
  const { events, awsFaults } = report;
  expect(events.delivered, summary).toBeGreaterThan(0);
  expect(events.notProcessed, summary).toEqual([]);
  expect(events.processed, summary).toBe(events.delivered);
  expect(events.published, summary).toBe(events.delivered);
  expect(awsFaults, summary).toBeDefined();
  if (!awsFaults) return;
  expect(events.extraCopies, summary).toBeLessThanOrEqual(awsFaults.counters.resetItems.sns);
  const total = totalAwsFaults(awsFaults.counters.injected);
  for (const kind of AWS_FAULT_KINDS) expect(total[kind], summary).toBeGreaterThan(0);
  // The services every order goes through (S3 only serves reports, which the run does not ask for).
  for (const service of ['dynamodb', 'sqs', 'sns'] as const) {
    for (const kind of AWS_FAULT_KINDS)
      expect(awsFaults.counters.injected[service][kind], summary).toBeGreaterThan(0);
  }
  expect(awsFaults.counters.upstreamErrors, summary).toBe(0);
}
