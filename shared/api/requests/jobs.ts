import { itemStatuses, jobActions, jobIdSchema } from '#shared/jobs/job.js';
import { iccidSchema } from '#shared/transatel/identifiers.js';
import * as z from '#shared/zod.js';
import { groupSchema, planIdSchema, referenceSchema, simOptionSchema } from './fields.js';
import { simStatusFilterSchema } from './sims.js';

/** The jobs routes: POST /v1/jobs, GET /v1/jobs/{jobId}, GET .../items, POST .../cancel. */

export const MAX_JOB_SIMS = 10_000;

/** 10,000 SIMs with fields of their own, pretty-printed, stay well within it (and Lambda's 6 MB payload). */
export const MAX_JOB_BODY_BYTES = 4 * 1024 * 1024;

/** How far ahead a job may be scheduled. */
export const MAX_SCHEDULE_DAYS = 365;

const fieldSchemas = {
  planId: z.optional(planIdSchema),
  options: z.optional(z.array(simOptionSchema).check(z.minLength(1), z.maxLength(50))),
  group: z.optional(groupSchema),
  reference: z.optional(referenceSchema),
};
type FieldName = keyof typeof fieldSchemas;

/** Which fields each action takes, per SIM or as params (the defaults of every SIM). */
const actionFields: Record<(typeof jobActions)[number], readonly FieldName[]> = {
  suspend: ['reference'],
  reactivate: ['reference'],
  terminate: ['reference'],
  update: ['options', 'group', 'reference'],
  plan: ['planId'],
};

const jobSimSchema = z.strictObject({ iccid: iccidSchema, ...fieldSchemas });

const jobParamsSchema = z.strictObject(fieldSchemas).check(
  z.meta({
    description:
      'Fields of every SIM (a SIM of the list may give its own): planId (plan), options, group, reference (update), reference (suspend, reactivate, terminate)',
  }),
);

const jobFilterSchema = z
  .strictObject({
    group: z.optional(groupSchema),
    reference: z.optional(referenceSchema),
    status: z.optional(simStatusFilterSchema),
  })
  .check(
    z.refine((filter) => Object.values(filter).some((value) => value !== undefined), {
      message: 'must name at least one of group, reference, status',
    }),
    z.meta({ description: 'The SIMs of a SIM search (GET /v1/sims), read page by page when the job starts' }),
  );

type Issue = { path: (string | number)[]; message: string };

function fieldIssues(
  action: (typeof jobActions)[number],
  fields: Partial<Record<FieldName, unknown>>,
  at: (string | number)[],
): Issue[] {
  const allowed = actionFields[action];
  return (Object.keys(fieldSchemas) as FieldName[])
    .filter((name) => fields[name] !== undefined && !allowed.includes(name))
    .map((name) => ({ path: [...at, name], message: `is not a field of a ${action} job` }));
}

/** The checks across fields: one of sims or filter, each field fitting the action, the ICCIDs distinct. */
function jobIssues(job: {
  action: (typeof jobActions)[number];
  sims?: z.output<typeof jobSimSchema>[] | undefined;
  filter?: unknown;
  params?: Partial<Record<FieldName, unknown>> | undefined;
  scheduledFor?: string | undefined;
}): Issue[] {
  const issues: Issue[] = [];
  if ((job.sims === undefined) === (job.filter === undefined)) {
    issues.push({ path: ['sims'], message: 'give either sims (a list) or filter, not both' });
  }
  const params = job.params ?? {};
  issues.push(...fieldIssues(job.action, params, ['params']));
  const seen = new Map<string, number>();
  job.sims?.forEach((sim, index) => {
    issues.push(...fieldIssues(job.action, sim, ['sims', index]));
    const first = seen.get(sim.iccid);
    if (first !== undefined) {
      issues.push({ path: ['sims', index, 'iccid'], message: `repeats sims[${first}]` });
    } else seen.set(sim.iccid, index);
    if (job.action === 'plan' && sim.planId === undefined && params.planId === undefined) {
      issues.push({ path: ['sims', index, 'planId'], message: 'is required (here or in params)' });
    }
    if (
      job.action === 'update' &&
      [sim.options, sim.group, sim.reference, params.options, params.group, params.reference].every(
        (value) => value === undefined,
      )
    ) {
      issues.push({
        path: ['sims', index],
        message: 'must change at least one of options, group, reference',
      });
    }
  });
  if (job.sims === undefined && job.action === 'plan' && params.planId === undefined) {
    issues.push({ path: ['params', 'planId'], message: 'is required for a plan job by filter' });
  }
  if (
    job.sims === undefined &&
    job.action === 'update' &&
    [params.options, params.group, params.reference].every((value) => value === undefined)
  ) {
    issues.push({ path: ['params'], message: 'must change at least one of options, group, reference' });
  }
  if (job.scheduledFor !== undefined) {
    const at = Date.parse(job.scheduledFor);
    if (at < Date.now() - 60_000) issues.push({ path: ['scheduledFor'], message: 'must not be in the past' });
    if (at > Date.now() + MAX_SCHEDULE_DAYS * 86_400_000) {
      issues.push({ path: ['scheduledFor'], message: `must be within ${MAX_SCHEDULE_DAYS} days` });
    }
  }
  return issues;
}

export const jobRequestSchema = z
  .strictObject({
    action: z.enum(jobActions).check(z.meta({ description: 'What is done to each SIM' })),
    sims: z.optional(
      z
        .array(jobSimSchema)
        .check(
          z.minLength(1, 'must list at least one SIM'),
          z.maxLength(MAX_JOB_SIMS, `must list at most ${MAX_JOB_SIMS} SIMs`),
          z.meta({ description: `Up to ${MAX_JOB_SIMS} SIMs, each with fields of its own if need be` }),
        ),
    ),
    filter: z.optional(jobFilterSchema),
    params: z.optional(jobParamsSchema),
    scheduledFor: z.optional(
      z.iso
        .datetime({ offset: true })
        .check(
          z.meta({ description: 'ISO-8601: the job starts then (a one-time schedule); absent: at once' }),
        ),
    ),
  })
  .check(
    z.superRefine((job, ctx) => {
      for (const issue of jobIssues(job)) ctx.addIssue({ code: 'custom', ...issue });
    }),
    z.meta({ id: 'JobRequest' }),
  );
export type JobRequestBody = z.output<typeof jobRequestSchema>;

export const jobParamsPathSchema = z.object({
  jobId: jobIdSchema.check(z.meta({ description: 'As answered by POST /v1/jobs' })),
});

/** The items cursor: where the next page starts, opaque to the caller. */
export function encodeItemsCursor(after: string): string {
  return Buffer.from(JSON.stringify({ after }), 'utf8').toString('base64url');
}

const cursorSchema = z.pipe(
  z.string().check(z.maxLength(200)),
  z.transform((cursor: string, ctx) => {
    try {
      const decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { after?: unknown };
      if (typeof decoded.after === 'string' && /^[0-9]{19,20}$/.test(decoded.after)) return decoded.after;
    } catch {
      // reported below
    }
    ctx.issues.push({ code: 'custom', message: 'is not a cursor of this API', input: cursor });
    return z.NEVER;
  }),
);

export const jobItemsQuerySchema = z.strictObject({
  status: z.optional(
    z
      .enum(itemStatuses)
      .check(z.meta({ description: 'Only the items of this status (FAILED: the failures)' })),
  ),
  cursor: z.optional(cursorSchema.check(z.meta({ description: 'The `cursor` of the previous page' }))),
});
