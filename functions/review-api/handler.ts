import { orderParamsSchema, resolveRequestSchema } from '#shared/api/requests/orders.js';
import { orderSchema } from '#shared/api/responses/order.js';
import type { HttpAudit } from '#shared/lambda/audit.js';
import { compact, stringField } from '#shared/lambda/audit-subjects.js';
import { callerOf } from '#shared/lambda/caller.js';
import { HttpError, httpHandler, json } from '#shared/lambda/http.js';
import { orderIdSchema } from '#shared/store/order-id.js';
import { orderStore } from '#shared/wiring/clients/dynamo.js';
import { historyStore } from '#shared/wiring/clients/history.js';
import { orderMoveDeps } from '#shared/wiring/order-move-deps.js';
import { resolveReview } from '#shared/workflow/review.js';

const storedIccid = /^[0-9]{13,20}$/;

/** A resolution, in the history of the order's SIM (read from the answer, else from the order itself). */
const auditResolution: HttpAudit = {
  history: historyStore,
  subjects: async (call) => {
    const orderId = orderIdSchema.safeParse(call.event.pathParameters?.orderId);
    if (!orderId.success) return [];
    const answered = stringField(call.answer, 'iccid');
    const iccid =
      answered !== undefined && storedIccid.test(answered)
        ? answered
        : (await orderStore().get(orderId.data, { consistent: false }))?.iccid;
    if (iccid === undefined) return [];
    const outcome = stringField(call.request, 'outcome', 50);
    return [
      {
        iccid,
        orderId: orderId.data,
        summary: outcome === undefined ? 'review resolution' : `review resolved: ${outcome}`,
        details: compact({
          outcome,
          subscriptionId: stringField(call.request, 'subscriptionId'),
          note: stringField(call.request, 'note', 500),
        }),
      },
    ];
  },
};

/** POST /v1/orders/{orderId}/resolve: a person settles an order held for review; audited in its timeline. */
export const handler = httpHandler(
  { params: orderParamsSchema, body: resolveRequestSchema, audit: auditResolution },
  async ({ params, body }, event) => {
    const result = await resolveReview(orderMoveDeps(), params.orderId, { ...body, by: callerOf(event) });
    if (result.kind === 'not-found') {
      throw new HttpError(404, {
        title: 'ORDER_NOT_FOUND',
        detail: `Order ${params.orderId} does not exist`,
      });
    }
    if (result.kind === 'not-in-review') {
      throw new HttpError(409, {
        title: 'ORDER_NOT_IN_REVIEW',
        detail: `Order ${params.orderId} is ${result.order.status}: only an order in NEEDS_REVIEW can be resolved`,
      });
    }
    return json(200, orderSchema.parse(result.order));
  },
);
