import * as z from '../zod.js';

/**
 * Queue messages carry an order id and the step to run, nothing else: the order record is the only
 * state, so a duplicate, late or reordered message is a no-op once the order has moved on.
 */
export const workflowSteps = ['activate', 'await-activation', 'order-plan'] as const;
export type WorkflowStep = (typeof workflowSteps)[number];

export const workflowMessageSchema = z.object({
  orderId: z.string().check(z.minLength(1), z.maxLength(100)),
  step: z.enum(workflowSteps),
});
export type WorkflowMessage = z.infer<typeof workflowMessageSchema>;

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
