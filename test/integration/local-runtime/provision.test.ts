import { DescribeTableCommand, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { ListSubscriptionsByTopicCommand, PublishCommand } from '@aws-sdk/client-sns';
import { GetQueueAttributesCommand, ListQueuesCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalAwsClients, localAwsClients } from '#local/aws.js';
import { type Emulators, startEmulators } from '#local/emulators.js';
import { type Provisioned, provision } from '#local/provision.js';
import { ordersTableIndexes } from '#shared/store/dynamo-order-store.js';
import { DLQ_RETENTION_DAYS, type QueueName, queues } from '#shared/topology.js';

describe('provisioning the local resources', () => {
  let emulators: Emulators;
  let clients: LocalAwsClients;
  let first: Provisioned;

  beforeAll(async () => {
    emulators = await startEmulators();
    clients = localAwsClients(emulators.endpoints);
    first = await provision(clients);
  });
  afterAll(async () => {
    clients.destroy();
    await emulators.stop();
  });

  const attributesOf = async (url: string) =>
    (await clients.sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] })))
      .Attributes ?? {};

  it('creates the tables from the store definitions, named by stage', async () => {
    expect(first.tables).toEqual({
      orders: 'local-orders',
      idempotency: 'local-idempotency',
      catalog: 'local-catalog',
      policies: 'local-policies',
      history: 'local-history',
      jobs: 'local-jobs',
    });
    const { Table } = await clients.dynamodb.send(new DescribeTableCommand({ TableName: 'local-orders' }));
    expect(Table?.TableStatus).toBe('ACTIVE');
    expect(Table?.KeySchema).toEqual([{ AttributeName: 'orderId', KeyType: 'HASH' }]);
    expect(Table?.GlobalSecondaryIndexes?.map((index) => index.IndexName).sort()).toEqual(
      Object.values(ordersTableIndexes).sort(),
    );
    const policies = await clients.dynamodb.send(new DescribeTableCommand({ TableName: 'local-policies' }));
    expect(policies.Table?.KeySchema).toEqual([
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ]);
    const history = await clients.dynamodb.send(new DescribeTableCommand({ TableName: 'local-history' }));
    expect(history.Table?.KeySchema).toEqual([
      { AttributeName: 'iccid', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ]);
  });

  it('creates every topology queue with its DLQ, visibility timeout and redrive policy', async () => {
    for (const name of Object.keys(queues) as QueueName[]) {
      const resources = first.queues[name];
      expect(resources.url).toMatch(new RegExp(`/local-${name}$`));
      expect(resources.dlqUrl).toMatch(new RegExp(`/local-${name}-dlq$`));
      const attributes = await attributesOf(resources.url);
      expect(attributes.VisibilityTimeout).toBe(String(queues[name].visibilityTimeoutSeconds));
      expect(attributes.MessageRetentionPeriod).toBe(String(queues[name].retentionDays * 86_400));
      expect(JSON.parse(attributes.RedrivePolicy ?? '{}')).toEqual({
        deadLetterTargetArn: resources.dlqArn,
        maxReceiveCount: queues[name].maxReceiveCount,
      });
      expect((await attributesOf(resources.dlqUrl)).MessageRetentionPeriod).toBe(
        String(DLQ_RETENTION_DAYS * 86_400),
      );
    }
  });

  it('is idempotent: a second run finds the same resources and adds nothing', async () => {
    const second = await provision(clients);
    expect(second).toEqual(first);
    const { TableNames } = await clients.dynamodb.send(new ListTablesCommand({}));
    expect(TableNames?.sort()).toEqual([
      'local-catalog',
      'local-history',
      'local-idempotency',
      'local-jobs',
      'local-orders',
      'local-policies',
    ]);
    const { QueueUrls } = await clients.sqs.send(new ListQueuesCommand({ QueueNamePrefix: 'local-' }));
    expect(QueueUrls).toHaveLength(Object.keys(queues).length * 2 + 1);
    const { Subscriptions } = await clients.sns.send(
      new ListSubscriptionsByTopicCommand({ TopicArn: first.topicArn }),
    );
    // The tap, and each queue fed by the events topic.
    const fed = Object.values(queues).filter((queue) => queue.eventTypes !== undefined);
    expect(Subscriptions).toHaveLength(1 + fed.length);
  });

  it('brings existing queues to new attributes (a visibility override) instead of failing', async () => {
    const overridden = await provision(clients, { visibilityTimeoutOverrideSeconds: 2 });
    expect(overridden.queues).toEqual(first.queues);
    expect((await attributesOf(first.queues.events.url)).VisibilityTimeout).toBe('2');
    await provision(clients);
    expect((await attributesOf(first.queues.events.url)).VisibilityTimeout).toBe(
      String(queues.events.visibilityTimeoutSeconds),
    );
  });

  it('delivers what is published on the events topic to the tap queue, raw', async () => {
    await clients.sns.send(new PublishCommand({ TopicArn: first.topicArn, Message: '{"type":"test"}' }));
    const { Messages } = await clients.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: first.tap.url, WaitTimeSeconds: 1, MaxNumberOfMessages: 10 }),
    );
    expect(Messages?.map((message) => message.Body)).toEqual(['{"type":"test"}']);
  });
});
