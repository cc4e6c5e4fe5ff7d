import { iccidParamsSchema } from '#shared/api/requests/iccid.js';
import { idempotencyHeadersSchema, planOrderRequestSchema } from '#shared/api/requests/ordering.js';
import { compact, simOfPath, stringField } from '#shared/lambda/audit-subjects.js';
import { HttpError, httpHandler, json } from '#shared/lambda/http.js';
import { simHasOpenOrder } from '#shared/lambda/open-order-problems.js';
import { orderStore } from '#shared/wiring/clients/dynamo.js';
import { historyStore } from '#shared/wiring/clients/history.js';
import { idempotencyStore } from '#shared/wiring/clients/idempotency.js';
import { workQueue } from '#shared/wiring/clients/sqs.js';
import { knownPlanIds } from '#shared/wiring/known-plans.js';
import { acceptOrder } from '#shared/workflow/intake.js';

/**
 * POST /v1/sims/{iccid}/plans: a plan (top-up) for an activated or pre-activated SIM, as an order; 409
 * SIM_HAS_OPEN_ORDER while the SIM has another order that is not final.
 */
export const handler = httpHandler(
  {
    params: iccidParamsSchema,
    body: planOrderRequestSchema,
    headers: idempotencyHeadersSchema,
    audit: {
      history: historyStore,
      subjects: (call) => {
        const planId = stringField(call.request, 'planId');
        return simOfPath(call, planId === undefined ? 'plan order' : `plan order ${planId}`, {
          orderId: call.status === 202 ? stringField(call.answer, 'orderId') : undefined,
          details: compact({ planId, openOrderId: stringField(call.answer, 'openOrderId') }),
        });
      },
    },
  },
  async ({ params, body, headers }) => {
    const plans = await knownPlanIds();
    if (plans && !plans.has(body.planId)) {
      throw HttpError.validation([
        { path: 'body.planId', message: `unknown plan '${body.planId}': see GET /v1/plans` },
      ]);
    }
    const outcome = await acceptOrder(
      { store: orderStore(), idempotency: idempotencyStore(), queue: workQueue(), now: () => new Date() },
      { kind: 'plan', iccid: params.iccid, planId: body.planId, idempotencyKey: headers['idempotency-key'] },
    );
    if (outcome.kind === 'conflict') throw HttpError.conflict(outcome.detail);
    if (outcome.kind === 'sim-busy') throw simHasOpenOrder(outcome.iccid, outcome.openOrderId);
    return json(202, outcome.value);
  },
);
