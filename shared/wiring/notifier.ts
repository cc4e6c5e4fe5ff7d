import { PublishCommand } from '@aws-sdk/client-sns';
import { lazy } from '../lazy.js';
import type { FleetNotification } from '../workflow/notifications.js';
import { snsClient } from './clients/sns.js';
import { loadConfig } from './config.js';
import { eventsTopicEnv } from './env/events-topic.js';

const eventsTopicArn = lazy(() => loadConfig(eventsTopicEnv).EVENTS_TOPIC_ARN);

/** Publishes one normalized event on the stage's SNS topic; subscribers filter on the `type` attribute. */
export async function publishNotification(notification: FleetNotification): Promise<void> {
  await snsClient().send(
    new PublishCommand({
      TopicArn: eventsTopicArn(),
      Message: JSON.stringify(notification),
      MessageAttributes: { type: { DataType: 'String', StringValue: notification.type } },
    }),
  );
}
