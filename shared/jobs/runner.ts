import type { HistoryStore } from '../store/history.js';
import type { SimSearchFilters, SimSearchPage } from '../transatel/sim-search.js';
import {
  type ActionDeps,
  type ItemOutcome,
  performItem,
  reconcileItem,
  UncertainOutcomeError,
} from './actions.js';
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
  /** SQS's id of the message: the copies SQS delivers of one message share it. */
  messageId: string;
  receiveCount: number;
  maxReceiveCount: number;
}

export async function runJobStep(deps: RunnerDeps, message: JobMessage, delivery: Delivery): Promise<void> {
  switch (message.step) {
    case 'start':
      return start(deps, message.jobId);
    case 'resolve':
      return inChain(deps, message.jobId, `r:${message.page}`, delivery.messageId, (job) =>
        resolve(deps, job, message.page),
      );
    case 'enqueue':
      return inChain(deps, message.jobId, `e:${message.after ?? ''}`, delivery.messageId, (job) =>
        enqueue(deps, job, message.after),
      );
    case 'item':
      return runItem(deps, message.jobId, message.iccid, delivery);
    case 'check':
      return check(deps, message.jobId, message.round);
  }
}

/**
 * An item is counted in two writes (its mark, then the job's counter): a worker killed between them leaves the
 * job one short, RUNNING for ever. Once a job's items are queued it is checked every CHECK_DELAY_SECONDS, for at
 * most MAX_CHECK_ROUNDS (a day): when every item is settled and counted, a job still RUNNING is finished, its
 * counts set from the items. A settled item never counted (its message in the DLQ, which alarms) keeps the job
 * waiting until it is redriven.
 */
export const CHECK_DELAY_SECONDS = 300;
export const MAX_CHECK_ROUNDS = 288;

async function check(deps: RunnerDeps, jobId: string, round: number): Promise<void> {
  const job = await deps.store.get(jobId);
  if (job?.status !== 'RUNNING' || job.resolving) return;
  const tally = await deps.store.tallyItems(jobId);
  const settled = tally.done + tally.failed + tally.cancelled;
  if (settled === tally.items && tally.uncounted === 0) {
    await deps.store.move(jobId, 'finish', {
      finishedAt: deps.now().toISOString(),
      done: tally.done,
      failed: tally.failed,
      cancelled: tally.cancelled,
    });
    return;
  }
  if (round < MAX_CHECK_ROUNDS) {
    await deps.queue.sendMany([{ jobId, step: 'check', round: round + 1 }], CHECK_DELAY_SECONDS);
  }
}

/** SQS caps a message delay at 15 minutes. */
const MAX_DELAY_SECONDS = 900;

/** The message of a chain position (`end`: none). */
function stepAt(jobId: string, position: string): JobMessage | undefined {
  if (position.startsWith('r:')) return { jobId, step: 'resolve', page: Number(position.slice(2)) };
  if (position.startsWith('e:')) {
    const after = position.slice(2);
    return after === '' ? { jobId, step: 'enqueue' } : { jobId, step: 'enqueue', after };
  }
  return undefined;
}

async function sendStep(deps: RunnerDeps, jobId: string, position: string): Promise<void> {
  const message = stepAt(jobId, position);
  if (message) await deps.queue.sendMany([message]);
}

/**
 * A step of the job's chain (resolve pages, then enqueue pages) runs for one message only: it claims its
 * position on the job row (`cursorBy`), does its work, hands the position over to the next step and sends that
 * step's message. A copy of the message (another id) finds the position held and stops, so that a duplicate never
 * doubles the rest of the chain; the same message delivered again (a worker that died) finishes what it began.
 */
async function inChain(
  deps: RunnerDeps,
  jobId: string,
  position: string,
  messageId: string,
  work: (job: Job) => Promise<string>,
): Promise<void> {
  const job = await deps.store.get(jobId);
  if (job?.status !== 'RUNNING') return;
  const handedOver = `from:${messageId}`;
  // This message handed over already: the next step's message may not have gone (a send that failed).
  if (job.cursorBy === handedOver) return sendStep(deps, jobId, job.cursor ?? 'end');
  if (job.cursor !== position) return;
  if (job.cursorBy !== messageId) {
    const free = job.cursorBy === undefined || job.cursorBy.startsWith('from:');
    if (!free) return;
    const from = { cursor: position, by: job.cursorBy };
    if (!(await deps.store.advance(jobId, from, { cursor: position, by: messageId }))) return;
  }
  const next = await work(job);
  await deps.store.advance(jobId, { cursor: position, by: messageId }, { cursor: next, by: handedOver });
  await sendStep(deps, jobId, next);
}

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
  // Where the chain is: its first step, unless a copy of the start got it going already (then a no-op there).
  await sendStep(deps, jobId, job.cursor ?? 'end');
}

/** Reads one page of a filter job's SIMs into items; the next position. */
async function resolve(deps: RunnerDeps, job: Job, page: number): Promise<string> {
  if (!job.resolving || !job.filter) return 'e:';
  // Every page is read before any item acts, so that acting (a suspended SIM leaves `status=Active`) cannot
  // move SIMs between the pages still to read.
  const result = await deps.simSearch.search(job.filter, { page, size: RESOLVE_PAGE_SIZE });
  await deps.store.putItems(
    job.jobId,
    result.sims.map((sim) => ({ iccid: sim.iccid })),
    deps.now(),
  );
  if (result.sims.length > 0 && page < result.totalPages) return `r:${page + 1}`;
  const total = await deps.store.countItems(job.jobId);
  await deps.store.resolved(job.jobId, total);
  if (total > 0) return 'e:';
  await deps.store.move(job.jobId, 'finish', { finishedAt: deps.now().toISOString() });
  return 'end';
}

/** Queues the item messages of one page of the job's items; the next position. */
async function enqueue(deps: RunnerDeps, job: Job, after: string | undefined): Promise<string> {
  const page = await deps.store.listItems(job.jobId, { after, limit: ENQUEUE_PAGE_SIZE });
  const pending = page.items.filter((item) => item.status === 'PENDING');
  await deps.queue.sendMany(pending.map((item) => ({ jobId: job.jobId, step: 'item', iccid: item.iccid })));
  if (page.after !== undefined) return `e:${page.after}`;
  await deps.queue.sendMany([{ jobId: job.jobId, step: 'check', round: 1 }], CHECK_DELAY_SECONDS);
  return 'end';
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
  let outcome: ItemOutcome;
  // A cancelled job's item is claimed only from a dead worker: read back, never acted on.
  const run = job.status === 'CANCELLED' ? reconcileItem : performItem;
  try {
    outcome = await run(deps, job, iccid, { ...job.params, ...claimed.fields });
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
  if (!deps.history || outcome.status === 'CANCELLED') return;
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
