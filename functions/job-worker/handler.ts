import { randomUUID } from 'node:crypto';
import { jobMessageSchema } from '#shared/jobs/messages.js';
import { runJobStep, StepLaterError } from '#shared/jobs/runner.js';
import { RetryLaterError, sqsHandler } from '#shared/lambda/sqs.js';
import { functions, queues } from '#shared/topology.js';
import { ConnectivityApi } from '#shared/transatel/connectivity.js';
import { SimSearchApi } from '#shared/transatel/sim-search.js';
import { orderStore } from '#shared/wiring/clients/dynamo.js';
import { historyStore } from '#shared/wiring/clients/history.js';
import { idempotencyStore } from '#shared/wiring/clients/idempotency.js';
import { jobQueue, jobStore } from '#shared/wiring/clients/jobs.js';
import { workQueue } from '#shared/wiring/clients/sqs.js';
import { transatelApi } from '#shared/wiring/clients/transatel.js';
import { acceptOrder } from '#shared/workflow/intake.js';

const connectivity = transatelApi(ConnectivityApi);
const simSearch = transatelApi(SimSearchApi);

/** A claim outlives any run of the worker (its timeout), so only a dead worker's claim is taken over. */
const LEASE_MS = 2 * functions['job-worker'].timeoutSeconds * 1000;

/**
 * Jobs queue consumer: a job's start, the pages of a filter job's SIMs, the queueing of its items, and each
 * SIM's action (shared/jobs/runner.ts). A plan item is an ordinary plan order, through the plan intake.
 */
export const handler = sqsHandler(jobMessageSchema, async (message, record) => {
  const now = () => new Date();
  try {
    await runJobStep(
      {
        store: jobStore(),
        queue: jobQueue(),
        simSearch: simSearch(),
        connectivity: connectivity(),
        orderPlan: ({ iccid, planId, idempotencyKey }) =>
          acceptOrder(
            { store: orderStore(), idempotency: idempotencyStore(), queue: workQueue(), now },
            { kind: 'plan', iccid, planId, idempotencyKey },
          ),
        now,
        leaseMs: LEASE_MS,
        newToken: randomUUID,
        history: historyStore(),
      },
      message,
      {
        messageId: record.messageId,
        receiveCount: Number(record.attributes?.ApproximateReceiveCount ?? '1'),
        maxReceiveCount: queues.jobs.maxReceiveCount,
      },
    );
  } catch (error) {
    if (error instanceof StepLaterError) throw new RetryLaterError(error.message);
    throw error;
  }
});
