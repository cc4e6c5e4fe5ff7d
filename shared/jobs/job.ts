import * as z from '../zod.js';

/**
 * A bulk job: one lifecycle action (suspend, reactivate, terminate, update, plan) over many SIMs, as a job row
 * and one item per SIM. The job guards its own status moves here; the store applies them as conditional writes.
 *
 *   SCHEDULED --its time (start)--> RUNNING --every item final--> DONE
 *   SCHEDULED | RUNNING --cancel--> CANCELLED
 *
 * An item: PENDING --claimed--> RUNNING --> DONE | FAILED, or PENDING --job cancelled--> CANCELLED.
 */

export const jobActions = ['suspend', 'reactivate', 'terminate', 'update', 'plan'] as const;
export type JobAction = (typeof jobActions)[number];

export const jobStatuses = ['SCHEDULED', 'RUNNING', 'DONE', 'CANCELLED'] as const;
export type JobStatus = (typeof jobStatuses)[number];

export const itemStatuses = ['PENDING', 'RUNNING', 'DONE', 'FAILED', 'CANCELLED'] as const;
export type ItemStatus = (typeof itemStatuses)[number];

export const FINAL_ITEM_STATUSES: ReadonlySet<ItemStatus> = new Set(['DONE', 'FAILED', 'CANCELLED']);

export function isFinalItem(status: ItemStatus): boolean {
  return FINAL_ITEM_STATUSES.has(status);
}

export function isFinalJob(status: JobStatus): boolean {
  return status === 'DONE' || status === 'CANCELLED';
}

/** What an item asks of its SIM: the job's params merged with the SIM's own fields. */
export interface ItemFields {
  planId?: string | undefined;
  options?: { name: string; value: string }[] | undefined;
  group?: string | undefined;
  reference?: string | undefined;
}

export interface JobFilter {
  group?: string | undefined;
  reference?: string | undefined;
  status?: string | undefined;
}

export interface Job {
  jobId: string;
  action: JobAction;
  status: JobStatus;
  /** SIMs in the job; for a filter job, the count when it was asked for until the filter is resolved. */
  total: number;
  done: number;
  failed: number;
  /** Items left undone by a cancel. */
  cancelled: number;
  createdAt: string;
  scheduledFor?: string | undefined;
  startedAt?: string | undefined;
  finishedAt?: string | undefined;
  /** Defaults of every item (a filter job's items have no fields of their own). */
  params: ItemFields;
  /** A filter job's SIM Search filter. */
  filter?: JobFilter | undefined;
  /** A filter job while its SIMs are being read: it cannot be DONE before. */
  resolving: boolean;
  /** Who asked for it (the caller's IAM principal): the actor of its actions in the SIMs' history. */
  createdBy?: string | undefined;
  /**
   * Where the job's chain of steps is (runner.ts): `r:<page>` reading a filter's SIMs, `e:<after>` queueing
   * items, `end`; and the message that holds that step (`from:<id>` once handed over to the next).
   */
  cursor?: string | undefined;
  cursorBy?: string | undefined;
}

/** A position of the chain and who holds it, as `JobStore.advance` compares and sets them. */
export interface ChainMark {
  cursor: string;
  /** Undefined: nobody. */
  by: string | undefined;
}

export interface JobItem {
  jobId: string;
  iccid: string;
  status: ItemStatus;
  /** The SIM's own fields (list jobs), over the job's params. */
  fields?: ItemFields | undefined;
  /** Transatel's title and detail when it failed (or why it was not needed). */
  title?: string | undefined;
  detail?: string | undefined;
  transactionId?: string | undefined;
  /** A plan item's order. */
  orderId?: string | undefined;
  /** The claim of the worker running it: a token and when it was taken (a lease). */
  claimToken?: string | undefined;
  claimedAt?: string | undefined;
  /** Counted in the job's done/failed/cancelled. */
  counted?: boolean | undefined;
  updatedAt: string;
}

/** The job's answer shape (GET /v1/jobs/{jobId}). */
export function describeJob(job: Job) {
  return {
    jobId: job.jobId,
    action: job.action,
    status: job.status,
    total: job.total,
    done: job.done,
    failed: job.failed,
    createdAt: job.createdAt,
    ...(job.scheduledFor === undefined ? {} : { scheduledFor: job.scheduledFor }),
    ...(job.startedAt === undefined ? {} : { startedAt: job.startedAt }),
    ...(job.finishedAt === undefined ? {} : { finishedAt: job.finishedAt }),
  };
}

/** Every item settled, the SIMs all known: the job is over. */
export function isComplete(job: Job): boolean {
  return !job.resolving && job.done + job.failed + job.cancelled >= job.total;
}

/** The legal status moves of a job; the store writes them conditionally on `from`. */
export const jobMoves = {
  start: { from: ['SCHEDULED', 'RUNNING'], to: 'RUNNING' },
  finish: { from: ['RUNNING'], to: 'DONE' },
  cancel: { from: ['SCHEDULED', 'RUNNING'], to: 'CANCELLED' },
} as const satisfies Record<string, { from: readonly JobStatus[]; to: JobStatus }>;
export type JobMove = keyof typeof jobMoves;

export function canMove(job: Pick<Job, 'status'>, move: JobMove): boolean {
  return (jobMoves[move].from as readonly JobStatus[]).includes(job.status);
}

export const jobIdSchema = z
  .string()
  .check(z.regex(/^job_[0-9A-Za-z]{10,40}$/, 'must be a job id such as job_01JD0Q3V4B5N6M7K8H9G0F1E2D'));

const jobAlphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** Time-ordered and unguessable: `job_` + 10 characters of time + 16 random. */
export function newJobId(nowMs: number): string {
  let time = '';
  let rest = nowMs;
  for (let i = 0; i < 10; i += 1) {
    time = jobAlphabet[rest % 32] + time;
    rest = Math.floor(rest / 32);
  }
  const random = crypto.getRandomValues(new Uint8Array(16));
  return `job_${time}${[...random].map((byte) => jobAlphabet[byte % 32]).join('')}`;
}

export interface ItemPage {
  items: JobItem[];
  /** Where the next page starts (exclusive), when there is one. */
  after?: string | undefined;
}

/** How an item settles (JobStore.settleItem): its final status, under the claim `token` if any, and Transatel's words. */
export type SettleOutcome = { status: 'DONE' | 'FAILED' | 'CANCELLED'; token?: string | undefined } & Pick<
  JobItem,
  'title' | 'detail' | 'transactionId' | 'orderId'
>;

export interface ItemTally {
  items: number;
  done: number;
  failed: number;
  cancelled: number;
  /** Settled (DONE, FAILED or CANCELLED) but not yet in the job's counts. */
  uncounted: number;
}

/** Adds an item to a tally. */
export function tallyItem(tally: ItemTally, item: Pick<JobItem, 'status' | 'counted'>): void {
  tally.items += 1;
  if (!isFinalItem(item.status)) return;
  if (item.status === 'DONE') tally.done += 1;
  else if (item.status === 'FAILED') tally.failed += 1;
  else tally.cancelled += 1;
  if (!item.counted) tally.uncounted += 1;
}

export const emptyTally = (): ItemTally => ({ items: 0, done: 0, failed: 0, cancelled: 0, uncounted: 0 });

export interface CountedJob {
  job: Job;
  /** The job moved to DONE by this count. */
  finished: boolean;
}

/** The jobs table, as the job code needs it; DynamoDB in AWS, a memory twin in tests. */
export interface JobStore {
  /** Writes the items (new PENDING ones; an existing one is left as it is), then nothing else. */
  putItems(jobId: string, items: readonly { iccid: string; fields?: ItemFields }[], now: Date): Promise<void>;
  /** Creates the job row; false when it exists already. */
  create(job: Job): Promise<boolean>;
  get(jobId: string): Promise<Job | undefined>;
  /** A status move from one of `move`'s statuses, with `set` written alongside; the new job, or undefined. */
  move(jobId: string, move: JobMove, set: Partial<Job>): Promise<Job | undefined>;
  /** Moves the chain from one mark to another when it is still at the first; false when it is not. */
  advance(jobId: string, from: ChainMark, to: ChainMark): Promise<boolean>;
  /** A filter job's SIMs are all read: `resolving` off, `total` set; false when another copy did it. */
  resolved(jobId: string, total: number): Promise<boolean>;
  getItem(jobId: string, iccid: string): Promise<JobItem | undefined>;
  /** Items in ICCID order, after `after`, optionally of one status. */
  listItems(
    jobId: string,
    options: { after?: string | undefined; status?: ItemStatus | undefined; limit: number },
  ): Promise<ItemPage>;
  countItems(jobId: string): Promise<number>;
  /** The items by status, and how many settled ones are not counted in the job yet. */
  tallyItems(jobId: string): Promise<ItemTally>;
  /**
   * Claims an item to run it: PENDING, or RUNNING under a claim taken before `staleBefore` (its worker died).
   * The claimed item, or undefined when it is not claimable.
   */
  claimItem(
    jobId: string,
    iccid: string,
    claim: { token: string; at: Date; staleBefore: Date },
  ): Promise<JobItem | undefined>;
  /** Gives a claimed item back (PENDING) after a failure that did not act; false when the claim was lost. */
  releaseItem(jobId: string, iccid: string, token: string, now: Date): Promise<boolean>;
  /**
   * Settles an item: DONE or FAILED under the claim `token`, or CANCELLED from PENDING (token undefined). False
   * when the item was not in that state.
   */
  settleItem(jobId: string, iccid: string, outcome: SettleOutcome, now: Date): Promise<boolean>;
  /**
   * Adds a settled, uncounted item to the job's counts, marks it counted, and moves the job to DONE when that
   * was its last item.
   */
  countItem(jobId: string, item: JobItem, now: Date): Promise<CountedJob | undefined>;
}
