import { PublishBatchCommand, PublishCommand } from '@aws-sdk/client-sns';
import type { Outbox, OutboxSender } from '../lambda/outbox.js';
import { lazy } from '../lazy.js';
import type { FleetNotification } from '../workflow/notifications.js';
import { snsClient } from './clients/sns.js';
import { loadConfig } from './config.js';
import { eventsTopicEnv } from './env/events-topic.js';

const eventsTopicArn = lazy(() => loadConfig(eventsTopicEnv).EVENTS_TOPIC_ARN);

/** PublishBatch's most entries a request, and (with room for the attributes) bytes of messages. */
const PUBLISH_BATCH_ENTRIES = 10;
const PUBLISH_BATCH_BYTES = 240 * 1024;

/** What one notification publishes: its JSON, and the `type` attribute subscribers filter on. */
interface SnsMessage {
  Message: string;
  MessageAttributes: Record<string, { DataType: 'String'; StringValue: string }>;
}

const message = (notification: FleetNotification): SnsMessage => ({
  Message: JSON.stringify(notification),
  MessageAttributes: { type: { DataType: 'String', StringValue: notification.type } },
});

/** Messages in PublishBatch-sized groups: at most 10, and within the request's size limit. */
export function inPublishBatches<T extends { message: Pick<SnsMessage, 'Message'> }>(
  items: readonly T[],
): T[][] {
  const batches: T[][] = [];
  let bytes = 0;
  for (const item of items) {
    const size = Buffer.byteLength(item.message.Message);
    const last = batches.at(-1);
    if (last && last.length < PUBLISH_BATCH_ENTRIES && bytes + size <= PUBLISH_BATCH_BYTES) {
      last.push(item);
      bytes += size;
    } else {
      batches.push([item]);
      bytes = size;
    }
  }
  return batches;
}

/** A batch's held notifications, ten to a PublishBatch; returns those SNS did not take. */
const heldNotifications: OutboxSender<FleetNotification> = {
  async sendHeld(notifications) {
    const refused: FleetNotification[] = [];
    const items = notifications.map((notification) => ({ notification, message: message(notification) }));
    for (const batch of inPublishBatches(items)) {
      try {
        const { Failed = [] } = await snsClient().send(
          new PublishBatchCommand({
            TopicArn: eventsTopicArn(),
            PublishBatchRequestEntries: batch.map((item, index) => ({ Id: String(index), ...item.message })),
          }),
        );
        for (const { Id } of Failed) {
          const item = batch[Number(Id)];
          if (item) refused.push(item.notification);
        }
      } catch {
        refused.push(...batch.map((item) => item.notification));
      }
    }
    return refused;
  },
};

/**
 * Publishes one normalized event on the stage's SNS topic; subscribers filter on the `type` attribute. With a
 * batch's outbox, it is held and published with the batch's others.
 */
export async function publishNotification(notification: FleetNotification, outbox?: Outbox): Promise<void> {
  if (outbox?.hold(heldNotifications, notification)) return;
  await snsClient().send(new PublishCommand({ TopicArn: eventsTopicArn(), ...message(notification) }));
}
