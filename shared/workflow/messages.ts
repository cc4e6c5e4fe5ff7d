/**
 * Queue messages carry an order id and the step to run, nothing else: the order record is the only
 * state, so a duplicate, late or reordered message is a no-op once the order has moved on.
 */
export const workflowSteps = ['activate', 'await-activation', 'order-plan'] as const;
export type WorkflowStep = (typeof workflowSteps)[number];

/** One order's step, as the workflow queues it; the workers validate what they receive (queue-message.ts). */
export interface WorkflowMessage {
  orderId: string;
  step: WorkflowStep;
}

/** The most status checks one queue message carries (queue-message.ts): an activation batch's. */
export const MAX_CHECK_GROUP = 10;

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
