import {
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  ResourceInUseException,
} from '@aws-sdk/client-dynamodb';
import { BucketAlreadyOwnedByYou, CreateBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import {
  CreateTopicCommand,
  ListSubscriptionsByTopicCommand,
  type SNSClient,
  SubscribeCommand,
} from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  QueueNameExists,
  SetQueueAttributesCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { createTableInput, type TableDefinition } from '../shared/store/table-definition.js';
import { tableDefinitions } from '../shared/store/tables.js';
import { DLQ_RETENTION_DAYS, type QueueName, queues, type TableName } from '../shared/topology.js';

export const LOCAL_STAGE = 'local';

const DAY_SECONDS = 24 * 60 * 60;

export interface ProvisionClients {
  sqs: SQSClient;
  sns: SNSClient;
  dynamodb: DynamoDBClient;
  /** The reports bucket is made when given (fauxqs' S3). */
  s3?: S3Client;
}

export interface ProvisionOptions {
  /** Resource name prefix, as infra's `namePrefix`; default `local`. */
  prefix?: string;
  /** Tests only: every queue's visibility timeout, instead of the topology's. */
  visibilityTimeoutOverrideSeconds?: number;
}

export interface QueueResources {
  url: string;
  arn: string;
  dlqUrl: string;
  dlqArn: string;
}

export interface Provisioned {
  tables: Record<TableName, string>;
  queues: Record<QueueName, QueueResources>;
  topicArn: string;
  /** A queue subscribed to the events topic (raw delivery), so people and tests can see what was published. */
  tap: { url: string; arn: string };
  /** `<prefix>-reports`, when an S3 client was given. */
  reportsBucket?: string;
}

/** CreateTable answers while the table is still CREATING; dynalite refuses items until it is ACTIVE. */
export async function waitUntilTableActive(dynamodb: DynamoDBClient, tableName: string): Promise<void> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const { Table } = await dynamodb.send(new DescribeTableCommand({ TableName: tableName }));
    if (Table?.TableStatus === 'ACTIVE') return;
    if (Date.now() > deadline) throw new Error(`Table ${tableName} is still ${Table?.TableStatus}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function ensureTable(dynamodb: DynamoDBClient, definition: TableDefinition, tableName: string) {
  try {
    await dynamodb.send(new CreateTableCommand(createTableInput(definition, tableName)));
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  await waitUntilTableActive(dynamodb, tableName);
}

/** fauxqs answers with the query-protocol code, which the SDK does not map to its modeled class. */
function isQueueNameExists(error: unknown): boolean {
  return (
    error instanceof QueueNameExists || (error instanceof Error && error.name.endsWith('QueueNameExists'))
  );
}

/** Creates the queue, or brings an existing one to these attributes. */
async function ensureQueue(
  sqs: SQSClient,
  name: string,
  attributes: Record<string, string>,
): Promise<{ url: string; arn: string }> {
  let url: string | undefined;
  try {
    ({ QueueUrl: url } = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes })));
  } catch (error) {
    if (!isQueueNameExists(error)) throw error;
    ({ QueueUrl: url } = await sqs.send(new GetQueueUrlCommand({ QueueName: name })));
    if (url) await sqs.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: attributes }));
  }
  if (!url) throw new Error(`No URL for queue ${name}`);
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }),
  );
  const arn = Attributes?.QueueArn;
  if (!arn) throw new Error(`No ARN for queue ${name}`);
  return { url, arn };
}

async function ensureWorkQueue(
  sqs: SQSClient,
  prefix: string,
  name: QueueName,
  options: ProvisionOptions,
): Promise<QueueResources> {
  const spec = queues[name];
  const dlq = await ensureQueue(sqs, `${prefix}-${name}-dlq`, {
    MessageRetentionPeriod: String(DLQ_RETENTION_DAYS * DAY_SECONDS),
  });
  const queue = await ensureQueue(sqs, `${prefix}-${name}`, {
    VisibilityTimeout: String(options.visibilityTimeoutOverrideSeconds ?? spec.visibilityTimeoutSeconds),
    MessageRetentionPeriod: String(spec.retentionDays * DAY_SECONDS),
    RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: spec.maxReceiveCount }),
  });
  return { url: queue.url, arn: queue.arn, dlqUrl: dlq.url, dlqArn: dlq.arn };
}

/** Subscribes the queue to the topic (raw delivery), passing only the given event `type`s when some are named. */
async function ensureSubscription(
  sns: SNSClient,
  topicArn: string,
  queueArn: string,
  eventTypes?: readonly string[],
): Promise<void> {
  const { Subscriptions = [] } = await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: topicArn }));
  if (Subscriptions.some((s) => s.Protocol === 'sqs' && s.Endpoint === queueArn)) return;
  await sns.send(
    new SubscribeCommand({
      TopicArn: topicArn,
      Protocol: 'sqs',
      Endpoint: queueArn,
      Attributes: {
        RawMessageDelivery: 'true',
        ...(eventTypes ? { FilterPolicy: JSON.stringify({ type: eventTypes }) } : {}),
      },
    }),
  );
}

async function ensureBucket(s3: S3Client, name: string): Promise<string> {
  try {
    await s3.send(new CreateBucketCommand({ Bucket: name }));
  } catch (error) {
    if (
      !(
        error instanceof BucketAlreadyOwnedByYou ||
        (error instanceof Error && error.name.startsWith('BucketAlready'))
      )
    )
      throw error;
  }
  return name;
}

/**
 * Creates what infra/ creates, named the same way (`<prefix>-<name>`): the tables from the store's
 * definitions, each topology queue with its DLQ and redrive policy, the events topic, the reports bucket,
 * plus the local events tap. Safe to run again on existing resources.
 */
export async function provision(
  clients: ProvisionClients,
  options: ProvisionOptions = {},
): Promise<Provisioned> {
  const prefix = options.prefix ?? LOCAL_STAGE;
  const tables = Object.keys(tableDefinitions) as TableName[];
  const tableNames = Object.fromEntries(tables.map((table) => [table, `${prefix}-${table}`])) as Record<
    TableName,
    string
  >;
  await Promise.all(
    tables.map((table) => ensureTable(clients.dynamodb, tableDefinitions[table], tableNames[table])),
  );

  const queueNames = Object.keys(queues) as QueueName[];
  const created = await Promise.all(
    queueNames.map((name) => ensureWorkQueue(clients.sqs, prefix, name, options)),
  );
  const queueResources = Object.fromEntries(queueNames.map((name, i) => [name, created[i]])) as Record<
    QueueName,
    QueueResources
  >;

  const { TopicArn: topicArn } = await clients.sns.send(new CreateTopicCommand({ Name: `${prefix}-events` }));
  if (!topicArn) throw new Error(`No ARN for topic ${prefix}-events`);
  const tap = await ensureQueue(clients.sqs, `${prefix}-events-tap`, {});
  await ensureSubscription(clients.sns, topicArn, tap.arn);
  // Queues fed by the events topic (the policy queue), as infra subscribes them.
  for (const name of queueNames) {
    const eventTypes = queues[name].eventTypes;
    if (eventTypes) await ensureSubscription(clients.sns, topicArn, queueResources[name].arn, eventTypes);
  }

  const reportsBucket = clients.s3 ? await ensureBucket(clients.s3, `${prefix}-reports`) : undefined;

  return {
    tables: tableNames,
    queues: queueResources,
    topicArn,
    tap,
    ...(reportsBucket ? { reportsBucket } : {}),
  };
}
