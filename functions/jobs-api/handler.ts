import {
  encodeItemsCursor,
  jobItemsQuerySchema,
  jobParamsPathSchema,
  jobRequestSchema,
  MAX_JOB_BODY_BYTES,
} from '#shared/api/requests/jobs.js';
import { idempotencyHeadersSchema } from '#shared/api/requests/ordering.js';
import { acceptJob, cancelJob } from '#shared/jobs/intake.js';
import { describeJob, type JobItem } from '#shared/jobs/job.js';
import { callerOf } from '#shared/lambda/caller.js';
import { HttpError, httpHandler, json } from '#shared/lambda/http.js';
import { routeHandlers } from '#shared/lambda/http-router.js';
import { callTransatel } from '#shared/lambda/transatel-errors.js';
import { SimSearchApi } from '#shared/transatel/sim-search.js';
import { idempotencyStore } from '#shared/wiring/clients/idempotency.js';
import { jobQueue, jobScheduler, jobStore } from '#shared/wiring/clients/jobs.js';
import { transatelApi } from '#shared/wiring/clients/transatel.js';
import { knownPlanIds } from '#shared/wiring/known-plans.js';

const simSearch = transatelApi(SimSearchApi);

/** Items a page of GET /v1/jobs/{jobId}/items. */
const ITEMS_PAGE_SIZE = 100;

function jobNotFound(jobId: string): HttpError {
  return new HttpError(404, { title: 'JOB_NOT_FOUND', detail: `Job ${jobId} does not exist` });
}

/** POST /v1/jobs: 202 with the job; unknown plan ids are refused up front (no Transatel call). */
const createJob = httpHandler(
  { body: jobRequestSchema, headers: idempotencyHeadersSchema, maxBodyBytes: MAX_JOB_BODY_BYTES },
  async ({ body, headers }, event) => {
    const planIds = [
      ...(body.params?.planId === undefined
        ? []
        : [{ path: 'body.params.planId', planId: body.params.planId }]),
      ...(body.sims ?? []).flatMap((sim, index) =>
        sim.planId === undefined ? [] : [{ path: `body.sims[${index}].planId`, planId: sim.planId }],
      ),
    ];
    const plans = planIds.length > 0 ? await knownPlanIds() : undefined;
    const unknown = plans ? planIds.filter(({ planId }) => !plans.has(planId)) : [];
    if (unknown.length > 0) {
      throw HttpError.validation(
        unknown.map(({ path, planId }) => ({ path, message: `unknown plan '${planId}': see GET /v1/plans` })),
      );
    }
    const outcome = await acceptJob(
      {
        store: jobStore(),
        queue: jobQueue(),
        scheduler: jobScheduler(),
        idempotency: idempotencyStore(),
        now: () => new Date(),
        countFilter: (filter) =>
          callTransatel(async () => (await simSearch().search(filter, { page: 1, size: 1 })).totalElements),
      },
      {
        action: body.action,
        sims: body.sims?.map(({ iccid, ...fields }) => ({ iccid, fields })),
        filter: body.filter,
        params: body.params ?? {},
        scheduledFor: body.scheduledFor === undefined ? undefined : new Date(body.scheduledFor),
        idempotencyKey: headers['idempotency-key'],
        createdBy: callerOf(event),
      },
    );
    if (outcome.kind === 'conflict') throw HttpError.conflict(outcome.detail);
    return json(202, outcome.value);
  },
);

const getJob = httpHandler({ params: jobParamsPathSchema }, async ({ params }) => {
  const job = await jobStore().get(params.jobId);
  if (!job) throw jobNotFound(params.jobId);
  return json(200, describeJob(job));
});

function toItem(item: JobItem) {
  return {
    iccid: item.iccid,
    status: item.status,
    ...(item.title === undefined ? {} : { title: item.title }),
    ...(item.detail === undefined ? {} : { detail: item.detail }),
    ...(item.transactionId === undefined ? {} : { transactionId: item.transactionId }),
    ...(item.orderId === undefined ? {} : { orderId: item.orderId }),
    updatedAt: item.updatedAt,
  };
}

const listItems = httpHandler(
  { params: jobParamsPathSchema, query: jobItemsQuerySchema },
  async ({ params, query }) => {
    const store = jobStore();
    if (!(await store.get(params.jobId))) throw jobNotFound(params.jobId);
    const page = await store.listItems(params.jobId, {
      after: query.cursor,
      status: query.status,
      limit: ITEMS_PAGE_SIZE,
    });
    return json(200, {
      items: page.items.map(toItem),
      ...(page.after === undefined ? {} : { cursor: encodeItemsCursor(page.after) }),
    });
  },
);

const cancel = httpHandler({ params: jobParamsPathSchema }, async ({ params }) => {
  const outcome = await cancelJob(
    { store: jobStore(), scheduler: jobScheduler(), now: () => new Date() },
    params.jobId,
  );
  if (outcome.kind === 'not-found') throw jobNotFound(params.jobId);
  if (outcome.kind === 'finished') {
    throw new HttpError(409, { title: 'JOB_FINISHED', detail: `Job ${params.jobId} is done already` });
  }
  return json(200, describeJob(outcome.job));
});

/** The bulk jobs: recorded, read and cancelled here; the job worker runs them. */
export const handler = routeHandlers({
  'POST /v1/jobs': createJob,
  'GET /v1/jobs/{jobId}': getJob,
  'GET /v1/jobs/{jobId}/items': listItems,
  'POST /v1/jobs/{jobId}/cancel': cancel,
});
