import {
  IdempotencyAlreadyInProgressError,
  IdempotencyConfig,
  makeIdempotent,
} from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PublishCommand } from '@aws-sdk/client-sns';
import { awsClientSettings } from '../../shared/runtime/aws.js';
import { snsClient } from '../../shared/runtime/clients/sns.js';
import { loadConfig } from '../../shared/runtime/config.js';
import { eventsTopicEnv } from '../../shared/runtime/env/events-topic.js';
import { idempotencyTableEnv } from '../../shared/runtime/env/tables.js';
import { lazy } from '../../shared/runtime/lazy.js';
import { logger } from '../../shared/runtime/logger.js';
import { orderMoveDeps } from '../../shared/runtime/order-move-deps.js';
import { RetryLaterError, sqsHandler } from '../../shared/runtime/sqs.js';
import { idempotencyTableDefinition } from '../../shared/store/idempotency-table.js';
import { envelopeSchema, parseEvent } from '../../shared/transatel/webhooks/events.js';
import { applyEventToOrders } from '../../shared/workflow/event-step.js';
import { toNotification } from '../../shared/workflow/notifications.js';

/** Transatel retries a webhook for about 10 hours: remember processed event ids for two days. */
const EVENT_MEMORY_SECONDS = 2 * 24 * 3600;

const idempotencyConfig = new IdempotencyConfig({
  eventKeyJmesPath: 'header.eventId',
  expiresAfterSeconds: EVENT_MEMORY_SECONDS,
});

const eventsTopicArn = lazy(() => loadConfig(eventsTopicEnv).EVENTS_TOPIC_ARN);

let processOnce: ((rawEvent: unknown) => Promise<{ orderIds: string[] }>) | undefined;

/** One event, once: advance the orders it concerns, then publish it normalized. */
async function processEvent(rawEvent: unknown): Promise<{ orderIds: string[] }> {
  const event = parseEvent(rawEvent);
  const orderIds = await applyEventToOrders(orderMoveDeps(), event);
  const notification = toNotification(event, orderIds);
  await snsClient().send(
    new PublishCommand({
      TopicArn: eventsTopicArn(),
      Message: JSON.stringify(notification),
      MessageAttributes: { type: { DataType: 'String', StringValue: notification.type } },
    }),
  );
  logger.info('event processed', {
    eventId: event.header.eventId,
    eventType: event.type,
    orderIds,
    published: notification.type,
  });
  return { orderIds };
}

function idempotentProcessor() {
  processOnce ??= makeIdempotent(processEvent, {
    // Shares the idempotency table with the API's records; Powertools' keys are hashed and prefixed apart.
    persistenceStore: new DynamoDBPersistenceLayer({
      tableName: loadConfig(idempotencyTableEnv).IDEMPOTENCY_TABLE_NAME,
      keyAttr: idempotencyTableDefinition.partitionKey.name,
      expiryAttr: idempotencyTableDefinition.timeToLiveAttribute,
      awsSdkV3Client: new DynamoDBClient(awsClientSettings()),
    }),
    config: idempotencyConfig,
  });
  return processOnce;
}

/**
 * Events queue consumer. Duplicates (Transatel retries, SQS redelivery) are dropped on `header.eventId`;
 * a duplicate delivered while the first is still in flight fails and is retried later.
 */
export const handler = sqsHandler(envelopeSchema, async (envelope, _record, context) => {
  idempotencyConfig.registerLambdaContext(context);
  try {
    await idempotentProcessor()(envelope);
  } catch (error) {
    // Transatel sent the event twice and the first copy is still being processed: look again later.
    if (error instanceof IdempotencyAlreadyInProgressError)
      throw new RetryLaterError(`event ${envelope.header.eventId} in flight`);
    throw error;
  }
});
