import { orderParamsSchema } from '#shared/api/requests/orders.js';
import { orderSchema } from '#shared/api/responses/order.js';
import { HttpError, httpHandler, json } from '#shared/lambda/http.js';
import { orderStore } from '#shared/wiring/clients/dynamo.js';

/** GET /v1/orders/{orderId}: the order's state, timeline, Transatel ids and failure reason. */
export const handler = httpHandler({ params: orderParamsSchema }, async ({ params }) => {
  const order = await orderStore().get(params.orderId);
  if (!order) {
    throw new HttpError(404, { title: 'ORDER_NOT_FOUND', detail: `Order ${params.orderId} does not exist` });
  }
  // The public schema is a pick of the stored one: parsing drops the internal bookkeeping fields.
  return json(200, orderSchema.parse(order));
});
