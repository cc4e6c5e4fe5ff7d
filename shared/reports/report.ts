import * as z from '../zod.js';

/**
 * Fleet reports: what is asked (the request), and the record of one report (its status and what it found).
 * A report is computed by the report worker from Transatel's inventory, paced to the reports' share of the
 * rate limit, and written to the stage's reports bucket as CSV or JSON.
 */

export const REPORT_TYPES = ['plans-expiring', 'data-low', 'usage', 'spend'] as const;
export type ReportType = (typeof REPORT_TYPES)[number];

export const REPORT_FORMATS = ['csv', 'json'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export const REPORT_STATUSES = ['QUEUED', 'RUNNING', 'DONE', 'FAILED'] as const;
export type ReportStatus = (typeof REPORT_STATUSES)[number];

export const MAX_REPORT_DAYS = 365;

const formatSchema = z.optional(z.enum(REPORT_FORMATS));

export const plansExpiringParamsSchema = z.strictObject({
  type: z.literal('plans-expiring'),
  days: z.number().check(z.int(), z.minimum(1), z.maximum(MAX_REPORT_DAYS)),
  format: formatSchema,
});

export const dataLowParamsSchema = z.strictObject({
  type: z.literal('data-low'),
  percent: z.number().check(z.int(), z.minimum(1), z.maximum(100)),
  format: formatSchema,
});

/** The most a usage report covers (as GET /v1/sims/{iccid}/usage). */
export const MAX_USAGE_DAYS = 366;
const DAY_MS = 86_400_000;

/** An instant with its offset, or a date (its midnight UTC). */
const isoInstant = z.union([z.iso.datetime({ offset: true }), z.iso.date()]);

/** A period: from before to, at most MAX_USAGE_DAYS long; the error is on `from`. */
function periodCheck() {
  return z.superRefine((params: { from: string; to: string }, ctx) => {
    const span = Date.parse(params.to) - Date.parse(params.from);
    if (!(span > 0)) ctx.addIssue({ code: 'custom', message: 'must be before to', path: ['from'] });
    else if (span > MAX_USAGE_DAYS * DAY_MS)
      ctx.addIssue({
        code: 'custom',
        message: `must be at most ${MAX_USAGE_DAYS} days before to`,
        path: ['from'],
      });
  });
}

export const usageParamsSchema = z
  .strictObject({
    type: z.literal('usage'),
    from: isoInstant,
    to: isoInstant,
    format: formatSchema,
  })
  .check(periodCheck());

/**
 * How spend is broken down: by the month a plan was bought, by the policy that bought it, or by the operator who
 * ordered it (the caller's IAM principal, from the SIM's history).
 */
export const SPEND_BREAKDOWNS = ['month', 'policy', 'operator'] as const;

export const spendParamsSchema = z
  .strictObject({
    type: z.literal('spend'),
    from: isoInstant,
    to: isoInstant,
    by: z.enum(SPEND_BREAKDOWNS),
    format: formatSchema,
  })
  .check(periodCheck());

/** What a report is asked for, by type; the format defaults to CSV. */
export const reportDefinitionSchema = z.discriminatedUnion('type', [
  plansExpiringParamsSchema,
  dataLowParamsSchema,
  usageParamsSchema,
  spendParamsSchema,
]);
export type ReportDefinition = z.output<typeof reportDefinitionSchema>;

export const reportIdSchema = z
  .string()
  .check(z.regex(/^rpt_[0-9a-f]{32}$/, 'must be a report id (rpt_...)'));

/** The stored record of one report: the status object beside its content in the bucket. */
export const reportSchema = z.object({
  reportId: z.string(),
  definition: reportDefinitionSchema,
  format: z.enum(REPORT_FORMATS),
  status: z.enum(REPORT_STATUSES),
  createdAt: z.string(),
  /** The instant the report is computed at: its windows are counted from it. */
  startedAt: z.optional(z.string()),
  finishedAt: z.optional(z.string()),
  /** Rows written, SIMs whose inventory was read. */
  rows: z.optional(z.number()),
  simsRead: z.optional(z.number()),
  /** False when the run's time ran out before every SIM was read: the rows cover the SIMs read. */
  complete: z.optional(z.boolean()),
  bytes: z.optional(z.number()),
  error: z.optional(z.string()),
});
export type Report = z.output<typeof reportSchema>;

/** The report queue's message: the record says the rest. */
export const reportMessageSchema = z.object({ reportId: reportIdSchema });
export type ReportMessage = z.output<typeof reportMessageSchema>;

export function newReport(reportId: string, definition: ReportDefinition, now: Date): Report {
  return {
    reportId,
    definition,
    format: definition.format ?? 'csv',
    status: 'QUEUED',
    createdAt: now.toISOString(),
  };
}

/** The content's object name: `<reportId>/<type>.<format>`, which is also the downloaded file's name. */
export function contentKey(report: Pick<Report, 'reportId' | 'definition' | 'format'>): string {
  return `${report.reportId}/${report.definition.type}.${report.format}`;
}

export const CONTENT_TYPES: Record<ReportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  json: 'application/json',
};
