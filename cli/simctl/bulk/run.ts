import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { bulkActivationResponseSchema } from '#shared/api/schemas.js';
import { getOrder, type Order } from '../commands/order.js';
import { type ApiClient, ApiError } from '../http.js';
import { CliError, type CliIo, InterruptedError } from '../io.js';
import { count, ProgressBar, type ProgressCounts } from '../output.js';
import { type BulkRow, type BulkSim, readBulkCsv } from './input.js';
import { progressCounts, summarize, writeResults } from './results.js';
import { type BulkState, loadState, newState, type SimState, saveState } from './state.js';

export interface BulkOptions {
  csvPath: string;
  statePath: string;
  outPath: string;
  planId?: string;
  batchSize: number;
  concurrency: number;
  pollIntervalMs: number;
  wait: boolean;
  json: boolean;
  now?: () => Date;
}

/**
 * The API remembers an Idempotency-Key for 24 hours. Past that, re-sending a batch whose answer was
 * lost could order its SIMs again, so an older unanswered batch is left for the operator to check.
 */
const IN_FLIGHT_MAX_AGE_MS = 23 * 3600 * 1000;
const TERMINAL = new Set(['COMPLETED', 'FAILED', 'NEEDS_REVIEW', 'REJECTED']);
const TTY_REDRAW_MS = 200;

/** Same SIMs, same fields, same order: same key, so a re-sent batch gets the orders it already made. */
export function batchKey(sims: readonly BulkSim[]): string {
  return `simctl-${createHash('sha256').update(JSON.stringify(sims)).digest('hex').slice(0, 48)}`;
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const result: T[][] = [];
  for (let index = 0; index < items.length; index += size) result.push(items.slice(index, index + size));
  return result;
}

async function forEachConcurrently<T>(
  items: readonly T[],
  concurrency: number,
  signal: AbortSignal | undefined,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      if (signal?.aborted) throw new InterruptedError();
      const item = items[next] as T;
      next += 1;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

function fromOrder(order: Order): SimState {
  return {
    orderId: order.orderId,
    status: order.status,
    ...(order.subscriptionId ? { subscriptionId: order.subscriptionId } : {}),
    ...(order.failure ? { failureCode: order.failure.code, failureDetail: order.failure.detail } : {}),
  };
}

function rejected(detail: string): SimState {
  return { status: 'REJECTED', failureCode: 'REJECTED', failureDetail: detail };
}

const SIM_PATH = /^body\.sims\[(\d+)\]\.?/;

/** `body.sims[3].planId: ...` -> `planId: ...`: the batch index means nothing to whoever reads the results. */
function describeIssues(issues: readonly { path: string; message: string }[]): string {
  return issues.map((issue) => `${issue.path.replace(SIM_PATH, '') || 'sim'}: ${issue.message}`).join('; ');
}

function refusesWholeBatch(error: ApiError): boolean {
  return error.status === 400 || (error.status === 409 && error.title === 'SIM_HAS_OPEN_ORDER');
}

/** Field errors of a whole-batch 400 (or 409), by the index of the SIM they name. */
function issuesByIndex(error: ApiError): Map<number, { path: string; message: string }[]> {
  const byIndex = new Map<number, { path: string; message: string }[]>();
  for (const issue of error.errors) {
    const index = SIM_PATH.exec(issue.path)?.[1];
    if (index === undefined) continue;
    byIndex.set(Number(index), [...(byIndex.get(Number(index)) ?? []), issue]);
  }
  return byIndex;
}

class BulkRun {
  readonly #api: ApiClient;
  readonly #io: CliIo;
  readonly #options: BulkOptions;
  readonly #now: () => Date;
  readonly #progress: ProgressBar;
  #rows: BulkRow[] = [];
  #state!: BulkState;
  #lastDraw = 0;

  constructor(api: ApiClient, io: CliIo, options: BulkOptions) {
    this.#api = api;
    this.#io = io;
    this.#options = options;
    this.#now = options.now ?? (() => new Date());
    this.#progress = new ProgressBar(io.stderr);
  }

  async run(): Promise<number> {
    const { csvPath, statePath, planId } = this.#options;
    const input = await readBulkCsv(csvPath, planId);
    this.#rows = input.sims;
    for (const row of input.invalid) {
      this.#progress.note(`line ${row.line}: ${row.iccid || '(no ICCID)'}: ${row.problem} (not sent)`);
    }
    if (input.sims.length === 0 && input.invalid.length === 0) throw new CliError(`${csvPath} lists no SIMs`);

    const loaded = await loadState(statePath);
    this.#state = loaded ?? newState(csvPath, this.#now());
    if (loaded) {
      const ordered = this.#rows.filter(({ sim }) => this.#state.sims[sim.iccid]?.orderId).length;
      this.#progress.note(
        `resuming from ${statePath}: ${ordered} of ${count(this.#rows.length, 'SIM')} already ordered`,
      );
    }

    this.#refuseStaleBatch();

    try {
      await this.#order();
      if (this.#options.wait) await this.#poll();
    } catch (error) {
      await this.#save();
      this.#progress.end();
      if (error instanceof InterruptedError) {
        throw new InterruptedError(
          `interrupted: progress saved in ${statePath}; run the same command again to resume`,
        );
      }
      if (error instanceof ApiError || error instanceof CliError) {
        const message = error instanceof ApiError ? error.describe() : error.message;
        throw new CliError(
          `${message} (progress saved in ${statePath}; run the same command again to resume)`,
        );
      }
      throw error;
    }
    this.#progress.update(this.#counts());
    this.#progress.end();
    await writeResults(this.#options.outPath, this.#rows, input.invalid, this.#state);
    return summarize(this.#io, {
      rows: this.#rows,
      invalid: input.invalid.length,
      state: this.#state,
      outPath: this.#options.outPath,
      statePath,
      json: this.#options.json,
    });
  }

  #counts(): ProgressCounts {
    return progressCounts(this.#rows, this.#state);
  }

  /** On a terminal, a live bar during a poll round; elsewhere one line per batch and per round. */
  #tick(): void {
    if (!this.#io.stderr.isTTY) return;
    const now = Date.now();
    if (now - this.#lastDraw < TTY_REDRAW_MS) return;
    this.#lastDraw = now;
    this.#progress.update(this.#counts());
  }

  #save(): Promise<void> {
    return saveState(this.#options.statePath, this.#state, this.#now());
  }

  #checkAbort(): void {
    if (this.#io.signal?.aborted) throw new InterruptedError();
  }

  /** Refuses to re-send a batch whose Idempotency-Key the API may have forgotten. */
  #refuseStaleBatch(): void {
    const { inFlight } = this.#state;
    if (!inFlight) return;
    if (this.#now().getTime() - Date.parse(inFlight.sentAt) <= IN_FLIGHT_MAX_AGE_MS) return;
    throw new CliError(
      `a batch of ${count(inFlight.sims.length, 'SIM')} was sent at ${inFlight.sentAt} and its answer never recorded; the API may have forgotten its Idempotency-Key, so it is not sent again. Check those SIMs (inFlight in ${this.#options.statePath}; simctl sims), then remove inFlight from the state file to go on`,
    );
  }

  async #order(): Promise<void> {
    const { inFlight } = this.#state;
    if (inFlight) {
      this.#progress.note(
        `re-sending the batch of ${count(inFlight.sims.length, 'SIM')} whose answer was not recorded (same Idempotency-Key)`,
      );
      await this.#sendBatch(inFlight.sims, inFlight.key, inFlight.sentAt);
    }
    const pending = this.#rows
      .map(({ sim }) => sim)
      .filter((sim) => this.#state.sims[sim.iccid]?.orderId === undefined);
    for (const batch of chunks(pending, this.#options.batchSize)) {
      this.#checkAbort();
      const key = batchKey(batch);
      const sentAt = this.#now().toISOString();
      this.#state.inFlight = { key, sentAt, sims: batch };
      await this.#save();
      await this.#sendBatch(batch, key, sentAt);
    }
  }

  async #sendBatch(batch: BulkSim[], key: string, sentAt: string): Promise<void> {
    let orders = 0;
    let rejectedCount = 0;
    try {
      const answer = await this.#api.request('POST', '/v1/activations', {
        body: { sims: batch },
        headers: { 'idempotency-key': key },
        schema: bulkActivationResponseSchema,
        retry: true,
      });
      const byIccid = new Map(answer.orders.map((order) => [order.iccid, order]));
      for (const order of answer.orders) {
        this.#state.sims[order.iccid] = { orderId: order.orderId, status: order.status };
      }
      for (const rejection of answer.rejected) {
        const iccid = batch[rejection.index]?.iccid ?? rejection.iccid;
        if (iccid === undefined || byIccid.has(iccid)) continue;
        this.#state.sims[iccid] = rejected(describeIssues(rejection.errors));
      }
      orders = answer.orders.length;
      rejectedCount = answer.rejected.length;
    } catch (error) {
      // A 400 for the whole batch means every SIM was refused: nothing was ordered. So does a 409
      // SIM_HAS_OPEN_ORDER (no SIM taken, each busy one with the order it has open).
      if (!(error instanceof ApiError && refusesWholeBatch(error))) throw error;
      const byIndex = issuesByIndex(error);
      batch.forEach((sim, index) => {
        const issues = byIndex.get(index);
        this.#state.sims[sim.iccid] = rejected(issues ? describeIssues(issues) : error.describe());
      });
      rejectedCount = batch.length;
    }
    this.#state.batches.push({
      key,
      sentAt,
      answeredAt: this.#now().toISOString(),
      orders,
      rejected: rejectedCount,
    });
    this.#state.inFlight = undefined;
    await this.#save();
    this.#progress.update(this.#counts());
  }

  async #poll(): Promise<void> {
    const active = () =>
      this.#rows
        .map(({ sim }) => this.#state.sims[sim.iccid])
        .filter(
          (state): state is SimState & { orderId: string } =>
            state?.orderId !== undefined && !TERMINAL.has(state.status),
        );
    let waiting = active();
    while (waiting.length > 0) {
      try {
        await sleep(
          this.#options.pollIntervalMs,
          undefined,
          this.#io.signal ? { signal: this.#io.signal } : {},
        );
      } catch {
        throw new InterruptedError();
      }
      await forEachConcurrently(waiting, this.#options.concurrency, this.#io.signal, async (state) => {
        const order = await getOrder(this.#api, state.orderId);
        this.#state.sims[order.iccid] = fromOrder(order);
        this.#tick();
      });
      await this.#save();
      this.#progress.update(this.#counts());
      waiting = active();
    }
  }
}

export function runBulkActivation(api: ApiClient, io: CliIo, options: BulkOptions): Promise<number> {
  return new BulkRun(api, io, options).run();
}
