import { orderIdSchema } from '../../store/order-id.js';
import * as z from '../../zod.js';

/** GET /v1/orders/{orderId}. */

export const orderParamsSchema = z.object({
  orderId: orderIdSchema.check(
    z.meta({ description: 'Order id (ULID) as returned when the order was accepted' }),
  ),
});
