import { reviewOutcomes } from '#shared/store/order.js';
import { orderIdSchema } from '#shared/store/order-id.js';
import * as z from '#shared/zod.js';

/** GET /v1/orders/{orderId}. */

export const orderParamsSchema = z.object({
  orderId: orderIdSchema.check(
    z.meta({ description: 'Order id (ULID) as returned when the order was accepted' }),
  ),
});

/** POST /v1/orders/{orderId}/resolve: a person settles an order held for review. */
export const resolveRequestSchema = z
  .strictObject({
    outcome: z.enum(reviewOutcomes).check(
      z.meta({
        description:
          'subscribed: the plan was bought (the order completes); retry: it was not (the plan is ordered again); abandon: the order fails and nothing more is bought',
      }),
    ),
    subscriptionId: z.optional(
      z
        .string()
        .check(
          z.minLength(1),
          z.maxLength(200),
          z.meta({ description: 'With subscribed: the plan found on the SIM' }),
        ),
    ),
    note: z.optional(z.string().check(z.minLength(1), z.maxLength(500))),
  })
  .check(
    z.refine((body) => body.subscriptionId === undefined || body.outcome === 'subscribed', {
      message: 'subscriptionId goes only with the outcome subscribed',
      path: ['subscriptionId'],
    }),
    z.meta({ id: 'ResolveRequest' }),
  );
