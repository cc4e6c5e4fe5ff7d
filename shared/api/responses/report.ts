import { REPORT_FORMATS, REPORT_STATUSES, reportDefinitionSchema } from '../../reports/report.js';
import * as z from '../../zod.js';

/** The answers of the reports routes. */

export const reportAcceptedSchema = z
  .object({
    reportId: z.string().check(z.meta({ description: 'GET /v1/reports/{reportId} says where it stands' })),
  })
  .check(z.meta({ id: 'ReportAccepted' }));

export const reportResponseSchema = z
  .object({
    reportId: z.string(),
    status: z.enum(REPORT_STATUSES).check(
      z.meta({
        description:
          'QUEUED, then RUNNING while the SIMs are read, then DONE (download it) or FAILED (`error` says why)',
      }),
    ),
    definition: reportDefinitionSchema.check(z.meta({ description: 'The report as it was asked for' })),
    format: z.enum(REPORT_FORMATS),
    createdAt: z.string(),
    startedAt: z.optional(
      z.string().check(z.meta({ description: "The instant the report's windows count from" })),
    ),
    finishedAt: z.optional(z.string()),
    rows: z.optional(z.number().check(z.int())),
    simsRead: z.optional(
      z.number().check(z.int(), z.meta({ description: 'SIMs whose inventory was read (one call each)' })),
    ),
    complete: z.optional(
      z.boolean().check(
        z.meta({
          description:
            'false when the run ran out of time before every SIM was read: the rows cover the SIMs read',
        }),
      ),
    ),
    bytes: z.optional(z.number().check(z.int())),
    error: z.optional(z.string()),
    downloadUrl: z.optional(
      z.string().check(
        z.meta({
          description:
            "With DONE: a presigned URL of the content in the stage's reports bucket; no credentials needed until `downloadExpiresAt`",
        }),
      ),
    ),
    downloadExpiresAt: z.optional(z.string()),
  })
  .check(z.meta({ id: 'Report' }));
