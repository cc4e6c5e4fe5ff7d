import { sqsHandler } from '#shared/lambda/sqs.js';
import { queues } from '#shared/topology.js';
import { ConnectivityApi } from '#shared/transatel/connectivity.js';
import { holdingSteps } from '#shared/wiring/work-queue.js';
import { workflowDeps } from '#shared/wiring/workflow-deps.js';
import { runActivationStep } from '#shared/workflow/activation-step.js';
import { failOrderOnLastAttempt } from '#shared/workflow/last-attempt.js';
import { workflowMessageSchema } from '#shared/workflow/messages.js';

const activationDeps = workflowDeps((http) => ({ connectivity: new ConnectivityApi(http) }));

/** Activation queue consumer: one `activate` step per message. */
export const handler = sqsHandler(
  workflowMessageSchema,
  async (message, record, _context, outbox) => {
    const deps = holdingSteps(activationDeps(), outbox);
    await failOrderOnLastAttempt(deps, message.orderId, record, queues.activation.maxReceiveCount, () =>
      runActivationStep(deps, message.orderId),
    );
  },
  // The batch's first status checks go to SQS in one request.
  { holdSends: true },
);
