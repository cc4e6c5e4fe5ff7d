import { iccidParamsSchema } from '#shared/api/requests/iccid.js';
import {
  activationRequestSchema,
  bulkActivationRequestSchema,
  bulkSimSchema,
  idempotencyHeadersSchema,
  MAX_BULK_SIMS,
} from '#shared/api/requests/ordering.js';
import type { HttpAudit } from '#shared/lambda/audit.js';
import {
  arrayField,
  compact,
  errorMessages,
  field,
  simOfPath,
  stringField,
  validIccid,
} from '#shared/lambda/audit-subjects.js';
import { toFieldIssues } from '#shared/lambda/field-issues.js';
import { HttpError, httpHandler, json } from '#shared/lambda/http.js';
import { routeHandlers } from '#shared/lambda/http-router.js';
import {
  type BulkRejection,
  busySimRejection,
  noSimAccepted,
  simHasOpenOrder,
} from '#shared/lambda/open-order-problems.js';
import { orderStore } from '#shared/wiring/clients/dynamo.js';
import { historyStore } from '#shared/wiring/clients/history.js';
import { idempotencyStore } from '#shared/wiring/clients/idempotency.js';
import { workQueue } from '#shared/wiring/clients/sqs.js';
import { knownPlanIds } from '#shared/wiring/known-plans.js';
import {
  acceptBulkActivation,
  acceptOrder,
  type BulkItem,
  type IntakeDeps,
} from '#shared/workflow/intake.js';
import type * as z from '#shared/zod.js';

const intakeDeps = (): IntakeDeps => ({
  store: orderStore(),
  idempotency: idempotencyStore(),
  queue: workQueue(),
  now: () => new Date(),
});

function unknownPlan(planId: string, path: string): HttpError {
  return HttpError.validation([{ path, message: `unknown plan '${planId}': see GET /v1/plans` }]);
}

/** The SIM's activation, in its history, whatever the answer. */
const auditActivation: HttpAudit = {
  history: historyStore,
  subjects: (call) => {
    const planId = stringField(call.request, 'planId');
    return simOfPath(call, planId === undefined ? 'activation' : `activation with plan ${planId}`, {
      orderId: call.status === 202 ? stringField(call.answer, 'orderId') : undefined,
      details: compact({ planId, openOrderId: stringField(call.answer, 'openOrderId') }),
    });
  },
};

const activateOne = httpHandler(
  {
    params: iccidParamsSchema,
    body: activationRequestSchema,
    headers: idempotencyHeadersSchema,
    audit: auditActivation,
  },
  async ({ params, body, headers }) => {
    if (body.planId) {
      const plans = await knownPlanIds();
      if (plans && !plans.has(body.planId)) throw unknownPlan(body.planId, 'body.planId');
    }
    const outcome = await acceptOrder(intakeDeps(), {
      kind: 'activation',
      iccid: params.iccid,
      ...body,
      idempotencyKey: headers['idempotency-key'],
    });
    if (outcome.kind === 'conflict') throw HttpError.conflict(outcome.detail);
    if (outcome.kind === 'sim-busy') throw simHasOpenOrder(outcome.iccid, outcome.openOrderId);
    return json(202, outcome.value);
  },
);

/**
 * Each SIM is checked on its own (defaults merged under it): a bad one is rejected, the rest go ahead.
 * `indexes` gives each accepted SIM's position in the body.
 */
function validateBulk(
  body: z.output<typeof bulkActivationRequestSchema>,
  plans: Set<string> | undefined,
): { accepted: BulkItem[]; indexes: number[]; rejected: BulkRejection[] } {
  const accepted: BulkItem[] = [];
  const indexes: number[] = [];
  const rejected: BulkRejection[] = [];
  const seen = new Set<string>();
  body.sims.forEach((raw, index) => {
    const path = `body.sims[${index}]`;
    const iccid = typeof raw.iccid === 'string' ? raw.iccid : undefined;
    const parsed = bulkSimSchema.safeParse({ ...body.defaults, ...raw });
    if (!parsed.success) {
      rejected.push({ index, ...(iccid ? { iccid } : {}), errors: toFieldIssues(parsed.error, path) });
      return;
    }
    const sim = parsed.data;
    if (seen.has(sim.iccid)) {
      rejected.push({
        index,
        iccid: sim.iccid,
        errors: [{ path: `${path}.iccid`, message: 'appears more than once in this request' }],
      });
      return;
    }
    if (sim.planId && plans && !plans.has(sim.planId)) {
      rejected.push({
        index,
        iccid: sim.iccid,
        errors: [{ path: `${path}.planId`, message: `unknown plan '${sim.planId}': see GET /v1/plans` }],
      });
      return;
    }
    seen.add(sim.iccid);
    accepted.push(sim);
    indexes.push(index);
  });
  return { accepted, indexes, rejected };
}

/**
 * Each well-formed SIM of a bulk call, in its own history: with its order when it got one, with why when it was
 * rejected (in the 202's or the 409's `rejected`, or the 400's field errors).
 */
const auditBulkActivation: HttpAudit = {
  history: historyStore,
  // Up to 1,000 entries, one conditional put each: longer than the default wait, more so on a busy emulator.
  timeoutMs: 5_000,
  subjects: (call) => {
    const sims = arrayField(call.request, 'sims').slice(0, MAX_BULK_SIMS);
    const defaultPlan = stringField(field(call.request, 'defaults'), 'planId');
    const orders = new Map(
      arrayField(call.answer, 'orders').map((order) => [
        stringField(order, 'iccid'),
        stringField(order, 'orderId'),
      ]),
    );
    const rejections = new Map(
      arrayField(call.answer, 'rejected').map((rejection) => [
        field(rejection, 'index'),
        {
          errors: errorMessages(arrayField(rejection, 'errors')),
          openOrderId: stringField(rejection, 'openOrderId'),
        },
      ]),
    );
    const problemErrors = arrayField(call.answer, 'errors');
    const seen = new Set<string>();
    return sims.flatMap((sim, index) => {
      const iccid = validIccid(field(sim, 'iccid'));
      if (iccid === undefined || seen.has(iccid)) return [];
      seen.add(iccid);
      const planId = stringField(sim, 'planId') ?? defaultPlan;
      const orderId = orders.get(iccid);
      const rejection = rejections.get(index) ?? {
        errors: errorMessages(
          problemErrors.filter((error) => stringField(error, 'path')?.startsWith(`body.sims[${index}]`)),
        ),
        openOrderId: undefined,
      };
      const rejected = orderId === undefined && (rejection.errors.length > 0 || rejection.openOrderId);
      return [
        {
          iccid,
          summary: `bulk activation of ${sims.length} SIMs${planId === undefined ? '' : ` with plan ${planId}`}${rejected ? ', this SIM rejected' : ''}`,
          orderId,
          details: compact({
            index,
            planId,
            rejected: rejected && rejection.errors.length > 0 ? rejection.errors : undefined,
            openOrderId: rejection.openOrderId,
          }),
        },
      ];
    });
  },
};

const activateMany = httpHandler(
  {
    body: bulkActivationRequestSchema,
    headers: idempotencyHeadersSchema,
    // 1,000 SIMs with options and references fit well within 1 MiB.
    maxBodyBytes: 1024 * 1024,
    audit: auditBulkActivation,
  },
  async ({ body, headers }) => {
    const wantsPlans =
      body.defaults?.planId !== undefined || body.sims.some((sim) => sim.planId !== undefined);
    const plans = wantsPlans ? await knownPlanIds() : undefined;
    const { accepted, indexes, rejected: invalid } = validateBulk(body, plans);
    if (accepted.length === 0) {
      throw HttpError.validation(invalid.flatMap((rejection) => rejection.errors));
    }
    const outcome = await acceptBulkActivation(intakeDeps(), accepted, headers['idempotency-key']);
    if (outcome.kind === 'conflict') throw HttpError.conflict(outcome.detail);
    const busy = outcome.value.busy.map(({ index, iccid, openOrderId }) =>
      busySimRejection(indexes[index] as number, iccid, openOrderId),
    );
    const rejected = [...invalid, ...busy].sort((a, b) => a.index - b.index);
    // As for an all-invalid request, a request that starts nothing is a problem, not a 202.
    if (outcome.value.orders.length === 0) throw noSimAccepted(rejected);
    return json(202, {
      orders: outcome.value.orders.map(({ iccid, orderId, status }) => ({ iccid, orderId, status })),
      rejected,
    });
  },
);

export const handler = routeHandlers({
  'POST /v1/sims/{iccid}/activation': activateOne,
  'POST /v1/activations': activateMany,
});
