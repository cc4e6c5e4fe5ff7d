import type { HistoryStore } from '../store/history.js';
import type { SimSearchFilters, SimSearchPage } from '../transatel/sim-search.js';
import { type ActionDeps, type ItemOutcome, performItem, UncertainOutcomeError } from './actions.js';
import type { Job, JobItem, JobStore } from './job.js';
import { isFinalItem } from './job.js';
import type { JobMessage, JobQueue } from './messages.js';

/**
 * The job worker's steps (messages.ts). Items run exactly once each: an item is claimed with a conditional
 * write before its Transatel call, a second delivery finds it claimed (and waits) or settled (and stops), and a
 * claim whose worker died is taken over after a lease and reconciled by reading the SIM (actions.ts). One item's
 * failure is that item's: it never stops the others.
 */

/** SIMs read per SIM Search page, and item messages queued per enqueue step. */
export const RESOLVE_PAGE_SIZE = 500;
export const ENQUEUE_PAGE_SIZE = 500;

/** A step that cannot run yet (an item another delivery holds): retried later, not an error. */
export class StepLaterError extends Error {
  override readonly name = 'StepLaterError';
}

export interface RunnerDeps extends ActionDeps {
  store: JobStore;
  queue: JobQueue;
  simSearch: {
    search(filters: SimSearchFilters, paging: { page: number; size: number }): Promise<SimSearchPage>;
  };
  now: () => Date;
  /** How long a claim holds before another delivery may take the item over (more than the worker's timeout). */
  leaseMs: number;
  newToken: () => string;
  /** Each SIM acted on gets an operator action in its history (best effort). */
  history?: Pick<HistoryStore, 'append'> | undefined;
}

/** Which delivery of the message this is, and the queue's last before its DLQ. */
export interface Delivery {
  receiveCount: number;
  maxReceiveCount: number;
}

export async function runJobStep(deps: RunnerDeps, message: JobMessage, delivery: Delivery): Promise<void> {
  switch (message.step) {
    case 'start':
      return start(deps, message.jobId);
    case 'resolve':
      return resolve(deps, message.jobId, message.page);
    case 'enqueue':
      return enqueue(deps, message.jobId, message.after);
    case 'item':
      return runItem(deps, message.jobId, message.iccid, delivery);
  }
}

/** SQS caps a message delay at 15 minutes. */
const MAX_DELAY_SECONDS = 900;

async function start(deps: RunnerDeps, jobId: string): Promise<void> {
  let job = await deps.store.get(jobId);
  if (!job) return;
  if (job.status === 'SCHEDULED') {
    // A schedule that fired early (clocks differ; EventBridge Scheduler keeps to the minute): wait out the rest.
    const early = job.scheduledFor ? Date.parse(job.scheduledFor) - deps.now().getTime() : 0;
    if (early > 0) {
      await deps.queue.sendMany(
        [{ jobId, step: 'start' }],
        Math.min(MAX_DELAY_SECONDS, Math.ceil(early / 1000)),
      );
      return;
    }
    job = await deps.store.move(jobId, 'start', { startedAt: deps.now().toISOString() });
    if (!job) return;
  }
  if (job.status !== 'RUNNING') return;
  await deps.queue.sendMany([
    job.resolving ? { jobId, step: 'resolve', page: 1 } : { jobId, step: 'enqueue' },
  ]);
}

async function resolve(deps: RunnerDeps, jobId: string, page: number): Promise<void> {
  const job = await deps.store.get(jobId);
  if (job?.status !== 'RUNNING' || !job.resolving || !job.filter) return;
  // Every page is read before any item acts, so that acting (a suspended SIM leaves `status=Active`) cannot
  // move SIMs between the pages still to read.
  const result = await deps.simSearch.search(job.filter, { page, size: RESOLVE_PAGE_SIZE });
  await deps.store.putItems(
    jobId,
    result.sims.map((sim) => ({ iccid: sim.iccid })),
    deps.now(),
  );
  if (result.sims.length > 0 && page < result.totalPages) {
    await deps.queue.sendMany([{ jobId, step: 'resolve', page: page + 1 }]);
    return;
  }
  const total = await deps.store.countItems(jobId);
  if (!(await deps.store.resolved(jobId, total))) return;
  if (total === 0) {
    await deps.store.move(jobId, 'finish', { finishedAt: deps.now().toISOString() });
    return;
  }
  await deps.queue.sendMany([{ jobId, step: 'enqueue' }]);
}

async function enqueue(deps: RunnerDeps, jobId: string, after: string | undefined): Promise<void> {
  const job = await deps.store.get(jobId);
  if (job?.status !== 'RUNNING') return;
  const page = await deps.store.listItems(jobId, { after, limit: ENQUEUE_PAGE_SIZE });
  const pending = page.items.filter((item) => item.status === 'PENDING');
  await deps.queue.sendMany(pending.map((item) => ({ jobId, step: 'item', iccid: item.iccid })));
  if (page.after !== undefined) await deps.queue.sendMany([{ jobId, step: 'enqueue', after: page.after }]);
}

async function count(deps: RunnerDeps, jobId: string, iccid: string): Promise<void> {
  const item = await deps.store.getItem(jobId, iccid);
  if (item && isFinalItem(item.status) && !item.counted) await deps.store.countItem(jobId, item, deps.now());
}

function describeFailure(error: unknown): { title: string; detail: string } {
  const title = (error as { title?: unknown }).title;
  const detail = (error as { detail?: unknown }).detail;
  return {
    title: typeof title === 'string' ? title : 'RETRIES_EXHAUSTED',
    detail: `Gave up after repeated failures: ${typeof detail === 'string' ? detail : error instanceof Error ? error.message : String(error)}`,
  };
}

async function runItem(deps: RunnerDeps, jobId: string, iccid: string, delivery: Delivery): Promise<void> {
  const job = await deps.store.get(jobId);
  const item = await deps.store.getItem(jobId, iccid);
  if (!job || !item) return;
  if (isFinalItem(item.status)) {
    if (!item.counted) await deps.store.countItem(jobId, item, deps.now());
    return;
  }
  if (job.status === 'CANCELLED' && item.status === 'PENDING') {
    await deps.store.settleItem(jobId, iccid, { status: 'CANCELLED' }, deps.now());
    await count(deps, jobId, iccid);
    return;
  }
  const now = deps.now();
  const token = deps.newToken();
  const claimed: JobItem | undefined = await deps.store.claimItem(jobId, iccid, {
    token,
    at: now,
    staleBefore: new Date(now.getTime() - deps.leaseMs),
  });
  if (!claimed) {
    const current = await deps.store.getItem(jobId, iccid);
    if (current && isFinalItem(current.status)) return count(deps, jobId, iccid);
    throw new StepLaterError(`Item ${iccid} of ${jobId} is being run by another delivery`);
  }
  const lastTry = delivery.receiveCount >= delivery.maxReceiveCount;
  let outcome: Awaited<ReturnType<typeof performItem>>;
  try {
    outcome = await performItem(deps, job, iccid, { ...job.params, ...claimed.fields });
  } catch (error) {
    if (lastTry) {
      outcome = { status: 'FAILED', ...describeFailure(error) };
    } else if (error instanceof UncertainOutcomeError) {
      // The claim stays: the next delivery, after the lease, reads the SIM before it acts again.
      throw new StepLaterError(error.message);
    } else {
      await deps.store.releaseItem(jobId, iccid, token, deps.now());
      throw error;
    }
  }
  if (await deps.store.settleItem(jobId, iccid, { ...outcome, token }, deps.now())) {
    await recordAction(deps, job, iccid, outcome);
  }
  await count(deps, jobId, iccid);
}

/** The SIM's history: what the job did to it, by whom, and Transatel's answer. Never fails the item. */
async function recordAction(deps: RunnerDeps, job: Job, iccid: string, outcome: ItemOutcome): Promise<void> {
  if (!deps.history) return;
  const result =
    outcome.status === 'FAILED'
      ? `failed: ${outcome.title}`
      : (outcome.detail ?? (outcome.orderId ? `order ${outcome.orderId}` : 'done'));
  const details = Object.fromEntries(
    Object.entries({
      jobId: job.jobId,
      transactionId: outcome.status === 'DONE' ? outcome.transactionId : undefined,
      title: outcome.status === 'FAILED' ? outcome.title : undefined,
      detail: outcome.detail,
    }).filter(([, value]) => value !== undefined),
  );
  try {
    await deps.history.append([
      {
        iccid,
        at: deps.now().toISOString(),
        id: job.jobId,
        source: 'operator',
        type: 'operator.action',
        summary: `${job.action} by job ${job.jobId}: ${result}`.slice(0, 1000),
        actor: job.createdBy ?? 'unknown',
        route: 'POST /v1/jobs',
        ...(outcome.status === 'DONE' && outcome.orderId ? { orderId: outcome.orderId } : {}),
        details,
      },
    ]);
  } catch {
    // History is a record, not the job: the item stands either way.
  }
}
