import { sqsHandler } from '#shared/lambda/sqs.js';
import { PrefetchedOrders, readingPrefetched } from '#shared/store/prefetched-orders.js';
import { queues } from '#shared/topology.js';
import { ConnectivityApi } from '#shared/transatel/connectivity.js';
import { OcsInventoryApi } from '#shared/transatel/ocs-inventory.js';
import { OcsSubscriptionsApi } from '#shared/transatel/ocs-subscriptions.js';
import { publishNotification } from '#shared/wiring/notifier.js';
import { holdingSteps } from '#shared/wiring/work-queue.js';
import { workflowDeps } from '#shared/wiring/workflow-deps.js';
import { failOrderOnLastAttempt } from '#shared/workflow/last-attempt.js';
import { runPlanStep } from '#shared/workflow/plan-step.js';
import {
  forEachOrderIn,
  orderIdsIn,
  type QueueMessage,
  queueMessageSchema,
} from '#shared/workflow/queue-message.js';

const planDeps = workflowDeps(
  (http) => ({
    connectivity: new ConnectivityApi(http),
    ocsSubscriptions: new OcsSubscriptionsApi(http),
    ocsInventory: new OcsInventoryApi(http),
  }),
  // An order held for review (its plan may have been bought) is announced on the events topic; status checks
  // wait for the ACTIVATED webhook as long as this container has seen webhooks take.
  { notify: publishNotification, watchActivations: true },
);

/** A batch's orders, in one read. */
const readOrders = (messages: QueueMessage[]) =>
  PrefetchedOrders.read(planDeps().store, messages.flatMap(orderIdsIn));

/** Plan queue consumer: activation checks (polling, a group of orders a message at times) and plan orders. */
export const handler = sqsHandler(
  queueMessageSchema,
  async (message, record, _context, { outbox, prepared }) => {
    const deps = holdingSteps(readingPrefetched(planDeps(), prepared), outbox);
    await forEachOrderIn(message, (orderId) =>
      failOrderOnLastAttempt(deps, orderId, record, queues.plan.maxReceiveCount, () =>
        runPlanStep(deps, orderId),
      ),
    );
  },
  {
    // The batch's orders are read in one request; deferred and later status checks go to SQS together,
    // once the batch has run.
    prepareBatch: readOrders,
    holdSends: true,
  },
);
