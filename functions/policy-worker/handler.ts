import { logger } from '#shared/lambda/logger.js';
import { RetryLaterError, sqsHandler } from '#shared/lambda/sqs.js';
import { applyPolicies, OccurrenceInFlightError, SimBusyError } from '#shared/policies/engine.js';
import { ConnectivityApi } from '#shared/transatel/connectivity.js';
import { orderStore } from '#shared/wiring/clients/dynamo.js';
import { historyStore } from '#shared/wiring/clients/history.js';
import { idempotencyStore } from '#shared/wiring/clients/idempotency.js';
import { policyLedger } from '#shared/wiring/clients/policy-ledger.js';
import { processedEventStore } from '#shared/wiring/clients/processed-events.js';
import { workQueue } from '#shared/wiring/clients/sqs.js';
import { transatelApi } from '#shared/wiring/clients/transatel.js';
import { publishNotification } from '#shared/wiring/notifier.js';
import { catalogProducts } from '#shared/wiring/plan-catalog.js';
import { currentPolicies } from '#shared/wiring/policies.js';
import { fleetNotificationSchema } from '#shared/workflow/notifications.js';

const connectivity = transatelApi(ConnectivityApi);

/**
 * Policy queue consumer (fed by the events topic: data exhausted, usage thresholds and expiries the sweep
 * found): each event fires the policies that cover its SIM, which top it up within their limits.
 */
export const handler = sqsHandler(fleetNotificationSchema, async (notification, _record, context) => {
  const now = () => new Date();
  try {
    await applyPolicies(
      {
        policies: () => currentPolicies(),
        ledger: policyLedger(),
        occurrences: processedEventStore(),
        intake: { store: orderStore(), idempotency: idempotencyStore(), queue: workQueue(), now },
        history: historyStore(),
        notify: publishNotification,
        simGroup: async (iccid) => (await connectivity().getSubscriber(iccid)).group,
        planPrice: async (planId) =>
          (await catalogProducts()).find((plan) => plan.productId === planId)?.price,
        now,
        leaseMs: context.getRemainingTimeInMillis(),
        logger: { info: (message, attributes) => logger.info(message, attributes ?? {}) },
      },
      notification,
    );
  } catch (error) {
    // Another worker answers the same occurrence, or the SIM has an order open: try again later.
    if (error instanceof OccurrenceInFlightError || error instanceof SimBusyError)
      throw new RetryLaterError(error.message);
    throw error;
  }
});
