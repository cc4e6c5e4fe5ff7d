import { describe, expect, it } from 'vitest';
import { type ReliabilityReport, runReliability, settleSecondsFor } from '../../bench/reliability.js';

/**
 * The CI-sized variant of `npm run bench -- reliability`: the same fault mix (10 % 5xx, 5 % 429, 2 % responses
 * lost after the commit; webhooks 20 % duplicated, 10 % dropped, 10 % reordered) over a few hundred orders
 * through the whole local stack. Shorter waits than the bench so it fits a CI minute: a 10 s visibility timeout
 * (the topology's is 120-180 s) and a 10 s plan claim lease (default 60 s): a claim only has to outlast one
 * OCS order call, which takes milliseconds here since the mix injects no latency, but every 5xx answered to a
 * plan order makes that order wait one lease before it is looked up and ordered again.
 */
const ORDERS = 200;
const VISIBILITY_TIMEOUT_SECONDS = 10;
const CLAIM_LEASE_SECONDS = 10;

function describeReport(report: ReliabilityReport): string {
  return JSON.stringify(
    {
      completed: report.completed,
      failed: report.failures.map((group) => `${group.cohort}:${group.code}×${group.count}`),
      stuck: report.stuck.slice(0, 5),
      lost: report.lost.slice(0, 5),
      doubleSubscriptions: report.doubleSubscriptions.slice(0, 5),
      deadLetters: report.deadLetters,
      wallSeconds: Math.round(report.wallSeconds),
    },
    null,
    2,
  );
}

describe('reliability under injected faults (CI size)', () => {
  it(`${ORDERS} orders: none lost, none stuck, no plan subscribed twice`, async () => {
    const report = await runReliability({
      orders: ORDERS,
      visibilityTimeoutSeconds: VISIBILITY_TIMEOUT_SECONDS,
      claimLeaseSeconds: CLAIM_LEASE_SECONDS,
      settleSeconds: settleSecondsFor(VISIBILITY_TIMEOUT_SECONDS, CLAIM_LEASE_SECONDS),
      separateSimulator: false,
      logLevel: 'SILENT',
    });
    const summary = describeReport(report);
    expect(report.accepted, summary).toBe(ORDERS);
    expect(report.lost, summary).toEqual([]);
    expect(report.stuck, summary).toEqual([]);
    expect(report.doubleSubscriptions, summary).toEqual([]);
    expect(report.completed + report.failed, summary).toBe(ORDERS);
    // The faults really happened.
    expect(report.faultsInjected.error, summary).toBeGreaterThan(0);
    expect(report.faultsInjected.throttle, summary).toBeGreaterThan(0);
    expect(report.faultsInjected.loseResponse, summary).toBeGreaterThan(0);
    expect(report.webhooks.duplicated, summary).toBeGreaterThan(0);
    expect(report.webhooks.dropped, summary).toBeGreaterThan(0);
    // Only the SIMs that cannot take an order (terminated, unknown) may fail, with Transatel's reason.
    for (const group of report.failures.filter((failure) => failure.expected)) {
      expect(['SIM_NOT_ACTIVATABLE', 'SUBSCRIBER_NOT_FOUND'], summary).toContain(group.code);
    }
  }, 240_000);
});
