import { orderParamsSchema, resolveRequestSchema } from '../../shared/api/requests/orders.js';
import { orderSchema } from '../../shared/api/responses/order.js';
import { callerOf } from '../../shared/runtime/caller.js';
import { HttpError, httpHandler, json } from '../../shared/runtime/http.js';
import { orderMoveDeps } from '../../shared/runtime/order-move-deps.js';
import { resolveReview } from '../../shared/workflow/review.js';

/** POST /v1/orders/{orderId}/resolve: a person settles an order held for review; audited in its timeline. */
export const handler = httpHandler(
  { params: orderParamsSchema, body: resolveRequestSchema },
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
