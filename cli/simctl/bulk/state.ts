import { randomBytes } from 'node:crypto';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import * as z from 'zod';
import { orderStatuses } from '#shared/store/order.js';
import { CliError } from '../io.js';

/**
 * What a bulk run knows, kept beside the CSV (`<csv>.simctl-state.json`) and rewritten atomically after
 * every batch and every poll round. A SIM with an orderId is never sent again; a batch sent without a
 * recorded answer (`inFlight`) is re-sent as it was, with the same Idempotency-Key, so the API answers
 * with the orders it already made.
 */

export const STATE_VERSION = 1;

const bulkSimSchema = z.object({
  iccid: z.string(),
  planId: z.string().optional(),
  reference: z.string().optional(),
  group: z.string().optional(),
});

export const simProgressSchema = z.enum([...orderStatuses, 'REJECTED']);
export type SimProgress = z.output<typeof simProgressSchema>;

const simStateSchema = z.object({
  orderId: z.string().optional(),
  status: simProgressSchema,
  subscriptionId: z.string().optional(),
  failureCode: z.string().optional(),
  failureDetail: z.string().optional(),
});
export type SimState = z.output<typeof simStateSchema>;

const stateSchema = z.object({
  version: z.literal(STATE_VERSION),
  csv: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  inFlight: z.object({ key: z.string(), sentAt: z.string(), sims: z.array(bulkSimSchema) }).optional(),
  batches: z.array(
    z.object({
      key: z.string(),
      sentAt: z.string(),
      answeredAt: z.string(),
      orders: z.number(),
      rejected: z.number(),
    }),
  ),
  sims: z.record(z.string(), simStateSchema),
});
export type BulkState = z.output<typeof stateSchema>;

export function statePathFor(csvPath: string): string {
  return `${csvPath}.simctl-state.json`;
}

export function newState(csv: string, now: Date): BulkState {
  const at = now.toISOString();
  return { version: STATE_VERSION, csv, createdAt: at, updatedAt: at, batches: [], sims: {} };
}

export async function loadState(path: string): Promise<BulkState | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new CliError(`cannot read the state file ${path}: ${(error as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new CliError(`the state file ${path} is not JSON: restore it, or move it away to start over`);
  }
  const parsed = stateSchema.safeParse(json);
  if (!parsed.success) {
    throw new CliError(
      `the state file ${path} is not a simctl state (version ${STATE_VERSION}): move it away to start over`,
    );
  }
  return parsed.data;
}

/** Write-then-rename: a crash leaves the previous state or the new one, never half of one. */
export async function saveState(path: string, state: BulkState, now: Date): Promise<void> {
  state.updatedAt = now.toISOString();
  const temporary = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(temporary, `${JSON.stringify(state)}\n`, { mode: 0o600 });
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}
