import { logger } from '#shared/lambda/logger.js';
import type { OutboxSender } from '#shared/lambda/outbox.js';
import { RetryLaterError, type SqsBatch, sqsHandler } from '#shared/lambda/sqs.js';
import { lazy } from '#shared/lazy.js';
import type { HistoryEntry } from '#shared/store/history.js';
import { PrefetchedOrders, readingPrefetched } from '#shared/store/prefetched-orders.js';
import { type EventCompletion, processEventOnce } from '#shared/store/processed-events.js';
import {
  type Envelope,
  EventParseError,
  envelopeSchema,
  eventOfEnvelope,
  type TransatelEvent,
} from '#shared/transatel/webhooks/events.js';
import { processedEventFiler } from '#shared/wiring/clients/processed-events.js';
import { publishNotification } from '#shared/wiring/notifier.js';
import { orderMoveDeps } from '#shared/wiring/order-move-deps.js';
import { holdingSteps } from '#shared/wiring/work-queue.js';
import { eventHistoryEntry } from '#shared/workflow/event-history.js';
import { applyEventToOrders, planOrdersConfirmedBy, simActivatedBy } from '#shared/workflow/event-step.js';
import { toNotification } from '#shared/workflow/notifications.js';

/** Transatel retries a webhook for about 10 hours: remember processed event ids for two days. */
const EVENT_MEMORY_SECONDS = 2 * 24 * 3600;

/** Each envelope's event, parsed once for the batch's read and its record's run (or the error it parsed to). */
const parsedEvents = new WeakMap<Envelope, TransatelEvent | EventParseError>();

function eventIn(envelope: Envelope): TransatelEvent | EventParseError {
  let parsed = parsedEvents.get(envelope);
  if (parsed === undefined) {
    try {
      parsed = eventOfEnvelope(envelope);
    } catch (error) {
      if (!(error instanceof EventParseError)) throw error;
      parsed = error;
    }
    parsedEvents.set(envelope, parsed);
  }
  return parsed;
}

/**
 * One event: advance the orders it concerns and publish it normalized (with the batch's others); its entry in
 * its SIM's history is returned, to be filed with the event's completion in one write. A failure of that write
 * has the event processed again: the entry is written once (same SIM, instant and event id), the notification
 * twice.
 */
async function processEvent(envelope: Envelope, batch: SqsBatch<PrefetchedOrders>): Promise<HistoryEntry[]> {
  const event = eventIn(envelope);
  if (event instanceof EventParseError) throw event;
  const deps = holdingSteps(readingPrefetched(orderMoveDeps(), batch.prepared), batch.outbox);
  const orderIds = await applyEventToOrders(deps, event);
  const notification = toNotification(event, orderIds);
  const entry = eventHistoryEntry(notification, new Date());
  await publishNotification(notification, batch.outbox);
  logger.info('event processed', {
    eventId: event.header.eventId,
    eventType: event.type,
    orderIds,
    published: notification.type,
    filed: entry !== undefined,
  });
  return entry ? [entry] : [];
}

/**
 * A batch's event completions, written together once its plan steps and notifications are out; those of a
 * record whose steps or notification were refused are released, so that its next delivery runs it at once.
 */
const heldCompletions = lazy(
  (): OutboxSender<EventCompletion> => ({
    sendHeld: (completions) => processedEventFiler().completeMany(completions),
    dropHeld: async (completions) => {
      await Promise.all(completions.map(({ eventId }) => processedEventFiler().release(eventId)));
    },
  }),
);

/**
 * The orders a batch's events concern, read before its records run: those its OCS product events confirm plans
 * of, and the open orders of the SIMs its ACTIVATED events name (matched on their transaction by
 * `findByTransactionId`, sparing a query of the index each), in two requests.
 */
const readEventOrders = async (envelopes: Envelope[]) => {
  const { store } = orderMoveDeps();
  const events = envelopes.flatMap((envelope) => {
    const event = eventIn(envelope);
    return event instanceof EventParseError ? [] : [event];
  });
  const activated = events.flatMap(simActivatedBy);
  const marked = activated.length > 0 ? await store.markedOrderIds(activated) : new Map<string, string>();
  return PrefetchedOrders.read(store, [...events.flatMap(planOrdersConfirmedBy), ...marked.values()]);
};

/**
 * Events queue consumer. Duplicates (Transatel retries, SQS redelivery) are dropped on `header.eventId`;
 * a duplicate delivered while the first is still in flight is retried later. The claim lasts the
 * invocation's remaining time: a copy left behind by a crashed invocation is taken over after it.
 */
export const handler = sqsHandler(
  envelopeSchema,
  async (envelope, _record, context, batch) => {
    const { outbox } = batch;
    const { eventId } = envelope.header;
    const { outcome } = await processEventOnce(
      processedEventFiler(),
      {
        eventId,
        leaseMs: context.getRemainingTimeInMillis(),
        memorySeconds: EVENT_MEMORY_SECONDS,
        historyOf: (entries) => entries,
        deferCompletion: (completion) =>
          outbox?.hold(heldCompletions(), completion, { afterSends: true }) ?? false,
      },
      () => processEvent(envelope, batch),
    );
    if (outcome === 'in-flight') throw new RetryLaterError(`event ${eventId} in flight`);
    if (outcome === 'duplicate') logger.info('duplicate event dropped', { eventId });
  },
  {
    // The orders the batch's events concern are read in two requests. Once the batch has run, the plan
    // steps its ACTIVATED events queue go to SQS in one request, its notifications to SNS in one, then its
    // completions to DynamoDB in one.
    prepareBatch: readEventOrders,
    holdSends: true,
  },
);
