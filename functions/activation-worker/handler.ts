import { sqsHandler } from '#shared/lambda/sqs.js';
import { PrefetchedOrders, readingPrefetched } from '#shared/store/prefetched-orders.js';
import { queues } from '#shared/topology.js';
import { ConnectivityApi } from '#shared/transatel/connectivity.js';
import { holdingSteps } from '#shared/wiring/work-queue.js';
import { workflowDeps } from '#shared/wiring/workflow-deps.js';
import { runActivationStep } from '#shared/workflow/activation-step.js';
import { failOrderOnLastAttempt } from '#shared/workflow/last-attempt.js';
import {
  forEachOrderIn,
  orderIdsIn,
  type QueueMessage,
  queueMessageSchema,
} from '#shared/workflow/queue-message.js';

const activationDeps = workflowDeps((http) => ({ connectivity: new ConnectivityApi(http) }));

/** A batch's orders, in one read. */
const readOrders = (messages: QueueMessage[]) =>
  PrefetchedOrders.read(activationDeps().store, messages.flatMap(orderIdsIn));

/** Activation queue consumer: one `activate` step per message. */
export const handler = sqsHandler(
  queueMessageSchema,
  async (message, record, _context, { outbox, prepared }) => {
    const deps = holdingSteps(readingPrefetched(activationDeps(), prepared), outbox);
    await forEachOrderIn(message, (orderId) =>
      failOrderOnLastAttempt(deps, orderId, record, queues.activation.maxReceiveCount, () =>
        runActivationStep(deps, orderId),
      ),
    );
  },
  {
    // The batch's orders are read in one request, and its first status checks sent in one.
    prepareBatch: readOrders,
    holdSends: true,
  },
);
