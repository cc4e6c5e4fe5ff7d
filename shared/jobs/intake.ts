import { hashRequest, type IdempotencyStore } from '../store/idempotency.js';
import * as z from '../zod.js';
import {
  describeJob,
  type ItemFields,
  type Job,
  type JobAction,
  type JobFilter,
  type JobStore,
  newJobId,
} from './job.js';
import type { JobQueue, JobScheduler } from './messages.js';

/**
 * Accepting a job: its items written (a list job's; a filter job's are read when it starts), the job row, then
 * its start queued or scheduled. Nothing here acts on a SIM. The same Idempotency-Key and request give the
 * same job; a replay finishes what a first request that died began.
 */

export interface JobIntakeDeps {
  store: JobStore;
  queue: JobQueue;
  scheduler: JobScheduler;
  idempotency: IdempotencyStore;
  now: () => Date;
  /** How many SIMs a filter matches now (one SIM Search call); the job counts them again when it starts. */
  countFilter: (filter: JobFilter) => Promise<number>;
}

export interface JobRequest {
  action: JobAction;
  sims?: { iccid: string; fields: ItemFields }[] | undefined;
  filter?: JobFilter | undefined;
  params: ItemFields;
  scheduledFor?: Date | undefined;
  idempotencyKey?: string | undefined;
  createdBy?: string | undefined;
}

export type JobAcceptance =
  | { kind: 'accepted'; value: { jobId: string; status: Job['status']; total: number } }
  | { kind: 'conflict'; detail: string };

const jobResultSchema = z.object({ jobId: z.string() });

/** A job whose time is this close is started at once. */
const START_NOW_WITHIN_MS = 1_000;

async function startOrSchedule(deps: JobIntakeDeps, job: Job): Promise<void> {
  if (job.status === 'SCHEDULED' && job.scheduledFor !== undefined) {
    await deps.scheduler.schedule(job.jobId, new Date(job.scheduledFor));
  } else if (job.status === 'RUNNING') {
    await deps.queue.sendMany([{ jobId: job.jobId, step: 'start' }]);
  }
}

function accepted(job: Job): JobAcceptance {
  const { jobId, status, total } = describeJob(job);
  return { kind: 'accepted', value: { jobId, status, total } };
}

export async function acceptJob(deps: JobIntakeDeps, request: JobRequest): Promise<JobAcceptance> {
  const now = deps.now();
  let jobId = newJobId(now.getTime());
  if (request.idempotencyKey !== undefined) {
    const { idempotencyKey, createdBy: _caller, ...fields } = request;
    const claim = await deps.idempotency.claim({
      scope: 'job',
      key: idempotencyKey,
      requestHash: hashRequest(fields),
      result: { jobId },
      resultSchema: jobResultSchema,
      now,
    });
    if (claim.status === 'conflict') {
      return { kind: 'conflict', detail: 'This Idempotency-Key was already used with a different request' };
    }
    jobId = claim.record.result.jobId;
    const existing = await deps.store.get(jobId);
    if (existing) {
      // The first request may have died before queueing the start: queue it again (a duplicate is a no-op).
      await startOrSchedule(deps, existing);
      return accepted(existing);
    }
  }

  if (request.sims) {
    await deps.store.putItems(
      jobId,
      request.sims.map(({ iccid, fields }) => ({ iccid, fields })),
      now,
    );
  }
  const total = request.sims ? request.sims.length : await deps.countFilter(request.filter ?? {});
  const scheduled =
    request.scheduledFor !== undefined &&
    request.scheduledFor.getTime() - now.getTime() > START_NOW_WITHIN_MS;
  const job: Job = {
    jobId,
    action: request.action,
    status: scheduled ? 'SCHEDULED' : 'RUNNING',
    total,
    done: 0,
    failed: 0,
    cancelled: 0,
    createdAt: now.toISOString(),
    scheduledFor: request.scheduledFor?.toISOString(),
    startedAt: scheduled ? undefined : now.toISOString(),
    params: request.params,
    filter: request.filter,
    resolving: request.filter !== undefined,
    createdBy: request.createdBy,
    cursor: request.filter === undefined ? 'e:' : 'r:1',
  };
  const created = await deps.store.create(job);
  const stored = created ? job : await deps.store.get(jobId);
  if (!stored) throw new Error(`Job ${jobId} was created and is gone`);
  try {
    await startOrSchedule(deps, stored);
  } catch (error) {
    // Without a key the caller cannot finish this job by asking again: it is cancelled rather than left
    // RUNNING (or SCHEDULED) with nothing to start it. With a key, the replay queues the start again.
    if (created && request.idempotencyKey === undefined) {
      await deps.store.move(jobId, 'cancel', { finishedAt: deps.now().toISOString() }).catch(() => undefined);
    }
    throw error;
  }
  return accepted(stored);
}

export type CancelOutcome =
  | { kind: 'cancelled'; job: Job }
  | { kind: 'finished'; job: Job }
  | { kind: 'not-found' };

/**
 * Cancels a scheduled or running job: the items not yet run are left undone (CANCELLED when their message comes),
 * those running finish. Cancelling a cancelled job answers it as it is; a DONE one cannot be.
 */
export async function cancelJob(
  deps: Pick<JobIntakeDeps, 'store' | 'scheduler' | 'now'>,
  jobId: string,
): Promise<CancelOutcome> {
  const before = await deps.store.get(jobId);
  if (!before) return { kind: 'not-found' };
  const job = await deps.store.move(jobId, 'cancel', { finishedAt: deps.now().toISOString() });
  if (!job) {
    const current = (await deps.store.get(jobId)) ?? before;
    return current.status === 'CANCELLED'
      ? { kind: 'cancelled', job: current }
      : { kind: 'finished', job: current };
  }
  if (before.status === 'SCHEDULED') await deps.scheduler.cancel(jobId).catch(() => undefined);
  return { kind: 'cancelled', job };
}
