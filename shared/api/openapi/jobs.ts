import { jobItemsQuerySchema, jobParamsPathSchema, jobRequestSchema } from '../requests/jobs.js';
import { idempotencyHeadersSchema } from '../requests/ordering.js';
import { jobAcceptedSchema, jobItemsSchema, jobSchema } from '../responses/job.js';
import type { OperationSpec } from './spec.js';

/** The Jobs routes of the OpenAPI document: bulk jobs created, read, their items listed, cancelled. */

export const jobOperations: Readonly<Record<string, OperationSpec>> = {
  'POST /v1/jobs': {
    operationId: 'createJob',
    summary: 'Run one action over many SIMs: a list (up to 10,000) or a filter, at once or at a set time',
    description:
      'suspend, reactivate, terminate, update (options, group, reference) or plan (an ordinary plan order per SIM: a SIM with an open order fails with `SIM_HAS_OPEN_ORDER`). Each SIM is acted on once, within the Transatel rate budget; one failed SIM never stops the others. A filter job reads its SIMs through SIM search when it starts; `total` is then the count at that time. With `scheduledFor` the job is SCHEDULED until then. The same Idempotency-Key and body give the same job; another body is a 409.',
    tag: 'Jobs',
    headers: idempotencyHeadersSchema,
    body: { schema: jobRequestSchema, required: true },
    success: { status: 202, description: 'Accepted', schema: jobAcceptedSchema },
    problems: [400, 409, 413, 503],
  },
  'GET /v1/jobs/{jobId}': {
    operationId: 'getJob',
    summary: "A job's status and counts",
    description: 'SCHEDULED, RUNNING, DONE (every SIM done or failed) or CANCELLED.',
    tag: 'Jobs',
    params: jobParamsPathSchema,
    success: { status: 200, description: 'The job', schema: jobSchema },
    problems: [400, 404],
  },
  'GET /v1/jobs/{jobId}/items': {
    operationId: 'listJobItems',
    summary: "A job's SIMs with their results, a page at a time",
    description:
      "In ICCID order, 100 a page; a failed item carries Transatel's title and detail. `?status=FAILED` lists the failures.",
    tag: 'Jobs',
    params: jobParamsPathSchema,
    query: jobItemsQuerySchema,
    success: { status: 200, description: 'A page of items', schema: jobItemsSchema },
    problems: [400, 404],
  },
  'POST /v1/jobs/{jobId}/cancel': {
    operationId: 'cancelJob',
    summary: 'Cancel a scheduled or running job',
    description:
      'The SIMs not yet acted on are left as they are (items CANCELLED); those in progress finish. A cancelled job answers as it is; a DONE one is a 409 `JOB_FINISHED`.',
    tag: 'Jobs',
    params: jobParamsPathSchema,
    success: { status: 200, description: 'The cancelled job', schema: jobSchema },
    problems: [400, 404, 409],
  },
};
