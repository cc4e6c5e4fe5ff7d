import { PublishBatchCommand, PublishCommand } from '@aws-sdk/client-sns';
import type { Outbox, OutboxSender } from '../lambda/outbox.js';
import { lazy } from '../lazy.js';
import type { FleetNotification } from '../workflow/notifications.js';
import { snsClient } from './clients/sns.js';
import { loadConfig } from './config.js';
import { eventsTopicEnv } from './env/events-topic.js';

const eventsTopicArn = lazy(() => loadConfig(eventsTopicEnv).EVENTS_TOPIC_ARN);

/** PublishBatch's most entries a request. */
const PUBLISH_BATCH_ENTRIES = 10;

const message = (notification: FleetNotification) => ({
  Message: JSON.stringify(notification),
  MessageAttributes: { type: { DataType: 'String', StringValue: notification.type } },
});

/** A batch's held notifications, ten to a PublishBatch; returns those SNS did not take. */
const heldNotifications: OutboxSender<FleetNotification> = {
  async sendHeld(notifications) {
    const refused: FleetNotification[] = [];
    for (let start = 0; start < notifications.length; start += PUBLISH_BATCH_ENTRIES) {
      const chunk = notifications.slice(start, start + PUBLISH_BATCH_ENTRIES);
      try {
        const { Failed } = await snsClient().send(
          new PublishBatchCommand({
            TopicArn: eventsTopicArn(),
            PublishBatchRequestEntries: chunk.map((notification, index) => ({
              Id: String(index),
              ...message(notification),
            })),
          }),
        );
        for (const failure of Failed ?? []) {
          const notification = chunk[Number(failure.Id)];
          if (notification) refused.push(notification);
        }
      } catch {
        refused.push(...chunk);
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
