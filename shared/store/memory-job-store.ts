import {
  type ChainMark,
  type CountedJob,
  canMove,
  emptyTally,
  type ItemFields,
  type ItemPage,
  type ItemStatus,
  type ItemTally,
  isComplete,
  type Job,
  type JobItem,
  type JobMove,
  type JobStore,
  jobMoves,
  type SettleOutcome,
  tallyItem,
} from '../jobs/job.js';

/** In-memory `JobStore` with the DynamoDB adapter's semantics, for tests. Copies in and out. */
export class MemoryJobStore implements JobStore {
  readonly #jobs = new Map<string, Job>();
  readonly #items = new Map<string, Map<string, JobItem>>();

  #itemsOf(jobId: string): Map<string, JobItem> {
    let items = this.#items.get(jobId);
    if (!items) {
      items = new Map();
      this.#items.set(jobId, items);
    }
    return items;
  }

  async putItems(
    jobId: string,
    items: readonly { iccid: string; fields?: ItemFields }[],
    now: Date,
  ): Promise<void> {
    const stored = this.#itemsOf(jobId);
    for (const { iccid, fields } of items) {
      if (stored.has(iccid)) continue;
      stored.set(iccid, {
        jobId,
        iccid,
        status: 'PENDING',
        ...(fields === undefined ? {} : { fields: structuredClone(fields) }),
        updatedAt: now.toISOString(),
      });
    }
  }

  async create(job: Job): Promise<boolean> {
    if (this.#jobs.has(job.jobId)) return false;
    this.#jobs.set(job.jobId, structuredClone(job));
    return true;
  }

  async get(jobId: string): Promise<Job | undefined> {
    const job = this.#jobs.get(jobId);
    return job ? structuredClone(job) : undefined;
  }

  async move(jobId: string, move: JobMove, set: Partial<Job>): Promise<Job | undefined> {
    const job = this.#jobs.get(jobId);
    if (!job || !canMove(job, move)) return undefined;
    Object.assign(job, structuredClone(set), { status: jobMoves[move].to });
    return structuredClone(job);
  }

  async advance(jobId: string, from: ChainMark, to: ChainMark): Promise<boolean> {
    const job = this.#jobs.get(jobId);
    if (!job || job.cursor !== from.cursor || job.cursorBy !== from.by) return false;
    job.cursor = to.cursor;
    if (to.by === undefined) delete job.cursorBy;
    else job.cursorBy = to.by;
    return true;
  }

  async resolved(jobId: string, total: number): Promise<boolean> {
    const job = this.#jobs.get(jobId);
    if (!job?.resolving) return false;
    job.resolving = false;
    job.total = total;
    return true;
  }

  async getItem(jobId: string, iccid: string): Promise<JobItem | undefined> {
    const item = this.#items.get(jobId)?.get(iccid);
    return item ? structuredClone(item) : undefined;
  }

  async listItems(
    jobId: string,
    options: { after?: string | undefined; status?: ItemStatus | undefined; limit: number },
  ): Promise<ItemPage> {
    const all = [...(this.#items.get(jobId)?.values() ?? [])]
      .filter((item) => options.after === undefined || item.iccid > options.after)
      .sort((a, b) => (a.iccid < b.iccid ? -1 : 1));
    const matching = all.filter((item) => options.status === undefined || item.status === options.status);
    const items = matching.slice(0, options.limit);
    const last = items.at(-1);
    const more = last !== undefined && all.some((item) => item.iccid > last.iccid);
    return { items: structuredClone(items), ...(more ? { after: last.iccid } : {}) };
  }

  async countItems(jobId: string): Promise<number> {
    return this.#items.get(jobId)?.size ?? 0;
  }

  async tallyItems(jobId: string): Promise<ItemTally> {
    const tally = emptyTally();
    for (const item of this.#items.get(jobId)?.values() ?? []) tallyItem(tally, item);
    return tally;
  }

  async claimItem(
    jobId: string,
    iccid: string,
    claim: { token: string; at: Date; staleBefore: Date },
  ): Promise<JobItem | undefined> {
    const item = this.#items.get(jobId)?.get(iccid);
    if (!item) return undefined;
    const stale =
      item.status === 'RUNNING' &&
      item.claimedAt !== undefined &&
      item.claimedAt < claim.staleBefore.toISOString();
    if (item.status !== 'PENDING' && !stale) return undefined;
    Object.assign(item, {
      status: 'RUNNING',
      claimToken: claim.token,
      claimedAt: claim.at.toISOString(),
      updatedAt: claim.at.toISOString(),
    });
    return structuredClone(item);
  }

  async releaseItem(jobId: string, iccid: string, token: string, now: Date): Promise<boolean> {
    const item = this.#items.get(jobId)?.get(iccid);
    if (item?.status !== 'RUNNING' || item.claimToken !== token) return false;
    item.status = 'PENDING';
    delete item.claimToken;
    delete item.claimedAt;
    item.updatedAt = now.toISOString();
    return true;
  }

  async settleItem(jobId: string, iccid: string, outcome: SettleOutcome, now: Date): Promise<boolean> {
    const item = this.#items.get(jobId)?.get(iccid);
    if (!item) return false;
    const { status, token, ...details } = outcome;
    const allowed =
      token === undefined
        ? item.status === 'PENDING'
        : item.status === 'RUNNING' && item.claimToken === token;
    if (!allowed) return false;
    for (const [name, value] of Object.entries(details)) {
      if (value !== undefined) (item as unknown as Record<string, unknown>)[name] = value;
    }
    item.status = status;
    item.updatedAt = now.toISOString();
    return true;
  }

  async countItem(jobId: string, item: JobItem, now: Date): Promise<CountedJob | undefined> {
    if (item.counted || item.status === 'PENDING' || item.status === 'RUNNING') return undefined;
    const job = this.#jobs.get(jobId);
    const stored = this.#items.get(jobId)?.get(item.iccid);
    // As the adapter's conditional mark: a stored item counted already, or settled otherwise, is not counted.
    if (!job || !stored || stored.counted || stored.status !== item.status) return undefined;
    // As the adapter: a job the check finished has its counts from its items already.
    if (job.status === 'DONE') return undefined;
    if (item.status === 'DONE') job.done += 1;
    else if (item.status === 'FAILED') job.failed += 1;
    else job.cancelled += 1;
    stored.counted = true;
    if (job.status !== 'RUNNING' || !isComplete(job)) return { job: structuredClone(job), finished: false };
    job.status = 'DONE';
    job.finishedAt = now.toISOString();
    return { job: structuredClone(job), finished: true };
  }
}
