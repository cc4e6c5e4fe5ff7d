import * as z from '../zod.js';

/**
 * Queue messages carry an order id and the step to run, nothing else: the order record is the only
 * state, so a duplicate, late or reordered message is a no-op once the order has moved on.
 */
export const workflowSteps = ['activate', 'await-activation', 'order-plan'] as const;
export type WorkflowStep = (typeof workflowSteps)[number];

const orderIdSchema = z.string().check(z.minLength(1), z.maxLength(100));

export const workflowMessageSchema = z.object({
  orderId: orderIdSchema,
  step: z.enum(workflowSteps),
});
export type WorkflowMessage = z.infer<typeof workflowMessageSchema>;

/** The most status checks one message carries: an activation batch's. */
export const MAX_CHECK_GROUP = 10;

/**
 * What a worker's queue carries: one order's step, or the status checks of orders queued together with the same
 * delay (`orderIds`, step `await-activation`), so that a batch of activations costs the plan queue one message
 * rather than ten. Each order of a group is checked as if its message had come alone.
 */
export const queueMessageSchema = z
  .object({
    step: z.enum(workflowSteps),
    orderId: z.optional(orderIdSchema),
    orderIds: z.optional(z.array(orderIdSchema).check(z.minLength(1), z.maxLength(MAX_CHECK_GROUP))),
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
 * rethrown (SQS delivers the whole message again; the orders that went through are no-ops the next time).
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

/** The queue that runs each step. */
export const stepQueue = {
  activate: 'activation',
  'await-activation': 'plan',
  'order-plan': 'plan',
} as const satisfies Record<WorkflowStep, 'activation' | 'plan'>;

/** SQS caps a message delay at 15 minutes. */
export const MAX_DELAY_SECONDS = 900;

export interface WorkQueue {
  send(message: WorkflowMessage, delaySeconds?: number): Promise<void>;
  sendMany(messages: readonly WorkflowMessage[]): Promise<{ failed: WorkflowMessage[] }>;
}
