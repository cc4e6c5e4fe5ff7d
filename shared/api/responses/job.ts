import { itemStatuses, jobActions, jobStatuses } from '#shared/jobs/job.js';
import * as z from '#shared/zod.js';

/** The jobs routes' answers. */

export const jobAcceptedSchema = z
  .object({
    jobId: z.string(),
    status: z.enum(jobStatuses),
    total: z.number().check(z.meta({ description: 'SIMs in the job (a filter job: those matching now)' })),
  })
  .check(z.meta({ id: 'JobAccepted' }));

export const jobSchema = z
  .object({
    jobId: z.string(),
    action: z.enum(jobActions),
    status: z.enum(jobStatuses),
    total: z.number(),
    done: z.number(),
    failed: z.number(),
    createdAt: z.string(),
    scheduledFor: z.optional(z.string()),
    startedAt: z.optional(z.string()),
    finishedAt: z.optional(z.string()),
  })
  .check(z.meta({ id: 'Job' }));

export const jobItemSchema = z
  .object({
    iccid: z.string(),
    status: z.enum(itemStatuses),
    title: z.optional(z.string().check(z.meta({ description: "Transatel's error title, on failure" }))),
    detail: z.optional(z.string()),
    transactionId: z.optional(z.string()),
    orderId: z.optional(z.string().check(z.meta({ description: "A plan item's order (GET /v1/orders)" }))),
    updatedAt: z.string(),
  })
  .check(z.meta({ id: 'JobItem' }));

export const jobItemsSchema = z
  .object({
    items: z.array(jobItemSchema),
    cursor: z.optional(z.string().check(z.meta({ description: 'Pass it back for the next page' }))),
  })
  .check(z.meta({ id: 'JobItems' }));
