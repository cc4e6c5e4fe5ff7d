import {
  MAX_REPORT_DAYS,
  MAX_USAGE_DAYS,
  REPORT_FORMATS,
  REPORT_TYPES,
  reportDefinitionSchema,
  reportIdSchema,
} from '#shared/reports/report.js';
import * as z from '#shared/zod.js';

/** POST /v1/reports, GET /v1/reports/{reportId}. */

export const reportParamsSchema = z.object({
  reportId: reportIdSchema.check(z.meta({ description: 'As returned when the report was accepted' })),
});

const typeMessage = `must be one of ${REPORT_TYPES.map((type) => `'${type}'`).join(', ')}`;

/** A report of one type, with that type's parameters; an unknown type is named as the field in error. */
export const reportRequestSchema = z
  .discriminatedUnion('type', reportDefinitionSchema._zod.def.options, {
    error: (issue) => (issue.code === 'invalid_union' ? typeMessage : undefined),
  })
  .check(
    z.meta({
      id: 'ReportRequest',
      description: `plans-expiring: the live plans expiring within \`days\` days (1-${MAX_REPORT_DAYS}); data-low: the live capped plans with at most \`percent\` % of their data left (1-100); usage: the data sessions from \`from\` to \`to\` (ISO-8601 instants with their offset, or dates; at most ${MAX_USAGE_DAYS} days), summed by SIM group and country; spend: the plans bought from \`from\` to \`to\` (orders that completed then), counted \`by\` month, policy or operator (the caller who ordered it) and priced from the catalogue. \`format\`: ${REPORT_FORMATS.join(' or ')} (default csv).`,
    }),
  );

/** The most a report's content may weigh to be answered inline (Lambda answers up to 6 MB). */
export const MAX_INLINE_REPORT_BYTES = 1024 * 1024;

/**
 * `?content=inline`: the content itself (a small report, streamed in the answer); a larger one is a 303 to its
 * presigned URL.
 */
export const reportQuerySchema = z.strictObject({
  content: z.optional(
    z.enum(['inline']).check(
      z.meta({
        description: `inline: answer a DONE report's content itself (text/csv or application/json) when it is at most ${MAX_INLINE_REPORT_BYTES} bytes, else 303 to its download URL; 409 REPORT_NOT_READY before DONE`,
      }),
    ),
  ),
});
