import {
  reportAcceptedSchema,
  reportParamsSchema,
  reportQuerySchema,
  reportRequestSchema,
  reportResponseSchema,
} from '../schemas.js';
import type { OperationSpec } from './spec.js';

/** The Reports routes of the OpenAPI document: fleet reports, queued, then read and downloaded. */

export const reportOperations: Readonly<Record<string, OperationSpec>> = {
  'POST /v1/reports': {
    operationId: 'createReport',
    summary: 'Queue a fleet report (plans expiring, data low) as CSV or JSON',
    description:
      "Computed from Transatel's SIM inventory and OCS Inventory (one call per SIM), paced to the reports' share of the rate limit, and written to the stage's reports bucket. No Transatel call is made before the 202.",
    tag: 'Reports',
    body: { schema: reportRequestSchema, required: true },
    success: { status: 202, description: 'Queued', schema: reportAcceptedSchema },
    problems: [400, 413],
  },
  'GET /v1/reports/{reportId}': {
    operationId: 'getReport',
    summary: "A report's status, figures and download URL",
    description:
      "404 `REPORT_NOT_FOUND` when there is none of that id (or it has expired from the bucket). With `content=inline`: a small DONE report's content itself (`text/csv` or `application/json`, as its format), a larger one's download URL as a 303 `Location`, 409 `REPORT_NOT_READY` before DONE.",
    tag: 'Reports',
    params: reportParamsSchema,
    query: reportQuerySchema,
    success: { status: 200, description: 'The report', schema: reportResponseSchema },
    problems: [400, 404, 409],
  },
};
