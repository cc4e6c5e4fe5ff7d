import * as z from '../zod.js';
import { jobIdSchema } from './job.js';

/**
 * The jobs queue's messages: a job id and the step to run, and where in the job. The job and item rows are the
 * only state, so a duplicate, late or reordered message is a no-op once they have moved on.
 *
 *   start             the job's time has come (sent at once, or by its one-time schedule)
 *   resolve, page     a filter job reads one page of its SIMs (SIM Search) into items
 *   enqueue, after    queues the item messages of a page of the job's items
 *   item, iccid       runs one SIM's action, exactly once
 *   check, round      once the items are queued: finishes a job whose count a dead worker left short
 */
const iccid = z.string().check(z.regex(/^[0-9]{19,20}$/, 'must be an ICCID'));

export const jobMessageSchema = z.discriminatedUnion('step', [
  z.object({ jobId: jobIdSchema, step: z.literal('start') }),
  z.object({ jobId: jobIdSchema, step: z.literal('resolve'), page: z.number().check(z.int(), z.minimum(1)) }),
  z.object({ jobId: jobIdSchema, step: z.literal('enqueue'), after: z.optional(iccid) }),
  z.object({ jobId: jobIdSchema, step: z.literal('item'), iccid }),
  z.object({
    jobId: jobIdSchema,
    step: z.literal('check'),
    round: z.number().check(z.int(), z.minimum(1), z.maximum(10_000)),
  }),
]);
export type JobMessage = z.output<typeof jobMessageSchema>;

/** The jobs queue; a send that fails throws (the step is retried, its duplicates are harmless). */
export interface JobQueue {
  sendMany(messages: readonly JobMessage[], delaySeconds?: number): Promise<void>;
}

/** One-time schedules that send a job's `start` message at its time (EventBridge Scheduler in AWS). */
export interface JobScheduler {
  schedule(jobId: string, at: Date): Promise<void>;
  /** Best effort: a schedule that fires anyway finds its job cancelled. */
  cancel(jobId: string): Promise<void>;
}
