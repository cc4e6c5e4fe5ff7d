import * as z from '../zod.js';
import { MAX_CHECK_GROUP, workflowSteps } from './messages.js';

/**
 * The workers' queue messages on the wire, in a module of their own so that only the two workers build the
 * schema at init (the other functions import messages.ts for the steps and the queue port).
 */

/** An order id as a message carries it (the order's read says whether it exists). */
const messageOrderIdSchema = z.string().check(z.minLength(1), z.maxLength(100));

/**
 * What a worker's queue carries: one order's step, or the status checks of orders queued together with the same
 * delay (`orderIds`, step `await-activation`), so that a batch of activations costs the plan queue one message
 * rather than ten. Each order of a group is checked as if its message had come alone.
 */
export const queueMessageSchema = z
  .object({
    step: z.enum(workflowSteps),
    orderId: z.optional(messageOrderIdSchema),
    orderIds: z.optional(z.array(messageOrderIdSchema).check(z.minLength(1), z.maxLength(MAX_CHECK_GROUP))),
  })
  .check(
    z.refine((message) => (message.orderId === undefined) !== (message.orderIds === undefined), {
      message: 'names one order (orderId) or a group of status checks (orderIds), not both',
      path: ['orderId'],
    }),
    z.refine((message) => message.orderIds === undefined || message.step === 'await-activation', {
      message: 'groups status checks only (step await-activation)',
      path: ['orderIds'],
    }),
  );
export type QueueMessage = z.infer<typeof queueMessageSchema>;

/** The orders a queue message names, in order. */
export function orderIdsIn(message: QueueMessage): string[] {
  return message.orderIds ?? (message.orderId === undefined ? [] : [message.orderId]);
}

/**
 * Runs `run` for each order the message names: every order gets its turn, and the first failure is then
 * rethrown (SQS delivers the whole message again; each order's step is safe to run twice).
 */
export async function forEachOrderIn(
  message: QueueMessage,
  run: (orderId: string) => Promise<void>,
): Promise<void> {
  const failures: unknown[] = [];
  for (const orderId of orderIdsIn(message))
    await run(orderId).catch((error: unknown) => failures.push(error));
  if (failures.length === 1) throw failures[0];
  if (failures.length > 1)
    throw new AggregateError(failures, `${failures.length} orders of the message failed`);
}
