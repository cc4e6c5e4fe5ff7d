/**
 * The system's shape as plain data, read by both infra/ (CDK) and local/ (the embedded runtime) so the
 * deployed system and the local one cannot drift: which function serves which route, which queue feeds
 * which worker, with what batch size, timeouts and redrive policy.
 */

import type { QueueName } from './topology/env-names.js';
import { type FunctionName, functions } from './topology/functions.js';

export * from './topology/env-names.js';
export * from './topology/functions.js';

export type RouteAuth = 'iam' | 'public';
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RouteSpec {
  method: HttpMethod;
  /** API Gateway path syntax: `{name}` is a path parameter. */
  path: string;
  function: FunctionName;
  auth: RouteAuth;
}

export const routes: readonly RouteSpec[] = [
  { method: 'POST', path: '/v1/sims/{iccid}/activation', function: 'activation-api', auth: 'iam' },
  { method: 'POST', path: '/v1/activations', function: 'activation-api', auth: 'iam' },
  { method: 'GET', path: '/v1/orders/{orderId}', function: 'orders-api', auth: 'iam' },
  { method: 'POST', path: '/v1/orders/{orderId}/resolve', function: 'review-api', auth: 'iam' },
  { method: 'POST', path: '/v1/sims/{iccid}/plans', function: 'plan-api', auth: 'iam' },
  { method: 'GET', path: '/v1/sims/{iccid}/balance', function: 'balance-api', auth: 'iam' },
  { method: 'GET', path: '/v1/policies', function: 'policies-api', auth: 'iam' },
  { method: 'GET', path: '/v1/policies/{policyId}', function: 'policies-api', auth: 'iam' },
  { method: 'PUT', path: '/v1/policies/{policyId}', function: 'policies-api', auth: 'iam' },
  { method: 'DELETE', path: '/v1/policies/{policyId}', function: 'policies-api', auth: 'iam' },
  { method: 'GET', path: '/v1/plans', function: 'catalog-api', auth: 'iam' },
  { method: 'GET', path: '/v1/sims', function: 'sims-api', auth: 'iam' },
  { method: 'GET', path: '/v1/sims/{iccid}', function: 'sims-api', auth: 'iam' },
  { method: 'PATCH', path: '/v1/sims/{iccid}', function: 'sims-api', auth: 'iam' },
  { method: 'POST', path: '/v1/sims/{iccid}/suspend', function: 'sims-api', auth: 'iam' },
  { method: 'POST', path: '/v1/sims/{iccid}/reactivate', function: 'sims-api', auth: 'iam' },
  { method: 'POST', path: '/v1/sims/{iccid}/terminate', function: 'sims-api', auth: 'iam' },
  { method: 'GET', path: '/v1/sims/{iccid}/esim', function: 'esim-api', auth: 'iam' },
  { method: 'GET', path: '/v1/sims/{iccid}/usage', function: 'usage-api', auth: 'iam' },
  { method: 'GET', path: '/v1/sims/{iccid}/events', function: 'history-api', auth: 'iam' },
  { method: 'POST', path: '/v1/jobs', function: 'jobs-api', auth: 'iam' },
  { method: 'GET', path: '/v1/jobs/{jobId}', function: 'jobs-api', auth: 'iam' },
  { method: 'GET', path: '/v1/jobs/{jobId}/items', function: 'jobs-api', auth: 'iam' },
  { method: 'POST', path: '/v1/jobs/{jobId}/cancel', function: 'jobs-api', auth: 'iam' },
  { method: 'POST', path: '/v1/reports', function: 'reports-api', auth: 'iam' },
  { method: 'GET', path: '/v1/reports/{reportId}', function: 'reports-api', auth: 'iam' },
  { method: 'POST', path: '/v1/webhooks/transatel', function: 'webhook-intake', auth: 'public' },
];

export interface QueueSpec {
  consumer: FunctionName;
  /** Records per Lambda invocation. */
  batchSize: number;
  maxBatchingWindowSeconds: number;
  /** At least 6x the consumer's timeout (AWS guidance for SQS event sources). */
  visibilityTimeoutSeconds: number;
  /** Deliveries before a message moves to the queue's DLQ. */
  maxReceiveCount: number;
  /** Cap on concurrent consumer invocations: how hard we may press on Transatel. */
  maxConcurrency: number;
  retentionDays: number;
  /**
   * Fed by the events topic rather than by our functions: an SNS subscription (raw delivery) that passes only
   * the events of these `type`s.
   */
  eventTypes?: readonly string[];
}

export const queues: Record<QueueName, QueueSpec> = {
  activation: {
    consumer: 'activation-worker',
    batchSize: 10,
    // A bulk call queues its orders a chunk at a time: gathered for a second, the first take full batches.
    maxBatchingWindowSeconds: 1,
    visibilityTimeoutSeconds: 6 * functions['activation-worker'].timeoutSeconds,
    maxReceiveCount: 5,
    maxConcurrency: 10,
    retentionDays: 4,
  },
  plan: {
    consumer: 'plan-worker',
    batchSize: 10,
    // Its messages come one by one (a webhook, a status check): gathered for a second, ten take one invocation.
    maxBatchingWindowSeconds: 1,
    visibilityTimeoutSeconds: 6 * functions['plan-worker'].timeoutSeconds,
    maxReceiveCount: 5,
    // Twice the activation worker's: an order's plan step writes three times to its activation step's once, and
    // at equal concurrency the plans of a bulk roll-out fall behind its activations (stages cap both, infra/stages.ts).
    maxConcurrency: 20,
    retentionDays: 4,
  },
  events: {
    consumer: 'events-worker',
    batchSize: 10,
    // Webhooks come one by one: gathered for a second, ten share an invocation (a receive, a read, a publish).
    maxBatchingWindowSeconds: 1,
    visibilityTimeoutSeconds: 6 * functions['events-worker'].timeoutSeconds,
    maxReceiveCount: 8,
    maxConcurrency: 5,
    retentionDays: 14,
  },
  policy: {
    consumer: 'policy-worker',
    batchSize: 10,
    maxBatchingWindowSeconds: 0,
    visibilityTimeoutSeconds: 6 * functions['policy-worker'].timeoutSeconds,
    // A top-up waits while its SIM has an order open (an activation, another top-up): 20 tries, 2 minutes apart.
    maxReceiveCount: 20,
    maxConcurrency: 2,
    retentionDays: 4,
    eventTypes: ['data.exhausted', 'usage.threshold', 'plan.expiring'],
  },
  // One message per SIM of a job, and the job's own steps. The consumer is paced within the workers' share of
  // Transatel's rate limit like the workflow workers; its concurrency bounds how much of it jobs take.
  jobs: {
    consumer: 'job-worker',
    batchSize: 10,
    maxBatchingWindowSeconds: 0,
    visibilityTimeoutSeconds: 6 * functions['job-worker'].timeoutSeconds,
    maxReceiveCount: 8,
    maxConcurrency: 4,
    retentionDays: 4,
  },
  report: {
    consumer: 'report-worker',
    batchSize: 1,
    maxBatchingWindowSeconds: 0,
    visibilityTimeoutSeconds: 6 * functions['report-worker'].timeoutSeconds,
    // A report that fails three runs is marked FAILED (its last delivery says so) and kept in the DLQ.
    maxReceiveCount: 3,
    // SQS's least: the reports' share of the rate limit is split between two runs at once.
    maxConcurrency: 2,
    retentionDays: 4,
  },
};

/** DLQs keep failed messages long enough for someone to look at them. */
export const DLQ_RETENTION_DAYS = 14;
