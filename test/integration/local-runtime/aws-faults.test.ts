import { CreateTableCommand, DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateTopicCommand, PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '#local/aws.js';
import { type AwsFaultProxy, type AwsFaultRates, startAwsFaultProxy } from '#local/aws-faults.js';
import { type Emulators, startEmulators } from '#local/emulators.js';
import { seedFor } from '#test/support/aws-fault-seeds.js';

/**
 * The proxy in front of dynalite and fauxqs, seen from the SDK v3 clients: each fault arrives as the error AWS
 * would send (the SDK names it from the wire), and a reset comes after the emulator applied the call.
 */

const TABLE = 'faults-table';
const BUCKET = 'faults-bucket';

describe('AWS fault proxy', () => {
  let emulators: Emulators;
  let proxy: AwsFaultProxy;
  let queueUrl: string;
  let topicArn: string;
  const base = { region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };
  const clients: { destroy(): void }[] = [];
  const track = <T extends { destroy(): void }>(client: T): T => {
    clients.push(client);
    return client;
  };
  /** Straight to the emulators: what was really applied. */
  let direct: { dynamodb: DynamoDBClient; sqs: SQSClient };
  /** Through the proxy, one attempt: the fault itself reaches the caller. */
  let once: { dynamodb: DynamoDBClient; sqs: SQSClient; sns: SNSClient; s3: S3Client };

  beforeAll(async () => {
    emulators = await startEmulators();
    proxy = await startAwsFaultProxy({
      upstreams: { dynamodb: emulators.endpoints.dynamodb, fauxqs: emulators.endpoints.sqs },
    });
    direct = {
      dynamodb: track(new DynamoDBClient({ ...base, endpoint: emulators.endpoints.dynamodb })),
      sqs: track(new SQSClient({ ...base, endpoint: emulators.endpoints.sqs })),
    };
    const single = { ...base, endpoint: proxy.url, maxAttempts: 1 };
    once = {
      dynamodb: track(new DynamoDBClient(single)),
      sqs: track(new SQSClient(single)),
      sns: track(new SNSClient(single)),
      s3: track(new S3Client({ ...single, forcePathStyle: true })),
    };
    await direct.dynamodb.send(
      new CreateTableCommand({
        TableName: TABLE,
        KeySchema: [{ AttributeName: 'k', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'k', AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    // Created through the proxy: the queue URL carries its port, as the local stack's do.
    ({ QueueUrl: queueUrl = '' } = await once.sqs.send(
      new CreateQueueCommand({ QueueName: 'faults-queue' }),
    ));
    ({ TopicArn: topicArn = '' } = await once.sns.send(new CreateTopicCommand({ Name: 'faults-topic' })));
    await once.s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  });
  afterEach(() => proxy.setRates({}));
  afterAll(async () => {
    for (const client of clients) client.destroy();
    await proxy?.close();
    await emulators?.stop();
  });

  /** The error a call failed with: its name and HTTP status, or its Node.js code when no answer came. */
  async function failure(call: () => Promise<unknown>): Promise<string> {
    try {
      await call();
    } catch (error) {
      const { name, $metadata, code } = error as {
        name: string;
        $metadata?: { httpStatusCode?: number };
        code?: string;
      };
      return $metadata?.httpStatusCode ? `${name} ${$metadata.httpStatusCode}` : `${code ?? name}`;
    }
    return 'no error';
  }

  const put = (key: string) => () =>
    once.dynamodb.send(new PutItemCommand({ TableName: TABLE, Item: { k: { S: key } } }));
  const stored = async (key: string) =>
    (
      await direct.dynamodb.send(
        new GetItemCommand({ TableName: TABLE, Key: { k: { S: key } }, ConsistentRead: true }),
      )
    ).Item !== undefined;
  const send = (body: string) => () =>
    once.sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body }));
  const publish = () => once.sns.send(new PublishCommand({ TopicArn: topicArn, Message: 'x' }));
  const upload = () => once.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'k', Body: 'x' }));

  it('answers throttling as each service does, and does not forward the call', async () => {
    proxy.setRates({ throttleRate: 1 });
    expect(await failure(put('throttled-1'))).toBe('ProvisionedThroughputExceededException 400');
    expect(await failure(put('throttled-2'))).toBe('ThrottlingException 400');
    expect(await failure(send('throttled'))).toBe('RequestThrottled 400');
    expect(await failure(send('throttled'))).toBe('ThrottlingException 400');
    expect(await failure(publish)).toBe('Throttling 400');
    expect(await failure(publish)).toBe('ThrottledException 429');
    expect(await failure(upload)).toBe('SlowDown 503');
    expect(await stored('throttled-1')).toBe(false);
    expect(await stored('throttled-2')).toBe(false);
  });

  it('answers 500 and 503 as each service does, and does not forward the call', async () => {
    proxy.setRates({ errorRate: 1 });
    expect(await failure(put('error-1'))).toBe('InternalServerError 500');
    expect(await failure(put('error-2'))).toBe('ServiceUnavailable 503');
    expect(await failure(send('error'))).toBe('InternalFailure 500');
    expect(await failure(send('error'))).toBe('ServiceUnavailable 503');
    expect(await failure(publish)).toBe('InternalErrorException 500');
    expect(await failure(publish)).toBe('ServiceUnavailable 503');
    expect(await failure(upload)).toBe('InternalError 500');
    expect(await stored('error-1')).toBe(false);
  });

  it('resets the connection after the emulator applied the call: the caller cannot tell', async () => {
    proxy.setRates({ resetRate: 1 });
    expect(await failure(put('reset'))).toBe('ECONNRESET');
    expect(await stored('reset')).toBe(true);
    const before = proxy.counters().injected;
    expect(await failure(upload)).toBe('ECONNRESET');
    proxy.setRates({});
    const object = await once.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'k' }));
    expect(await object.Body?.transformToString()).toBe('x');
    expect(proxy.counters().injected.s3.reset).toBe(before.s3.reset + 1);
  });

  it("spares Lambda's event source calls: receives pass whatever the rates", async () => {
    proxy.setRates({ throttleRate: 1, errorRate: 1, resetRate: 1 });
    const { passed } = proxy.counters();
    await once.sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 0 }));
    expect(proxy.counters().passed).toBe(passed + 1);
  });

  it('counts each fault by service and operation', () => {
    const { injected, byOperation } = proxy.counters();
    expect(injected.dynamodb).toEqual({ throttle: 2, error: 2, reset: 1 });
    expect(byOperation['sqs SendMessage']).toEqual({ throttle: 2, error: 2 });
    expect(byOperation['sns Publish']).toEqual({ throttle: 2, error: 2 });
  });
});

describe('AWS fault proxy: a reset, then the SDK retries', () => {
  const rates: AwsFaultRates = { resetRate: 0.5 };
  let emulators: Emulators;
  let proxy: AwsFaultProxy;
  const base = { region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };

  beforeAll(async () => {
    emulators = await startEmulators();
    // Seeded so that the first call of each service is reset and its retry is not.
    proxy = await startAwsFaultProxy({
      upstreams: { dynamodb: emulators.endpoints.dynamodb, fauxqs: emulators.endpoints.sqs },
      seed: seedFor(['dynamodb', 'sqs'], rates, ['reset', undefined]),
    });
  });
  afterAll(async () => {
    await proxy?.close();
    await emulators?.stop();
  });

  it('a conditional write applied by the reset attempt fails its condition on the retry; a send lands twice', async () => {
    const direct = new DynamoDBClient({ ...base, endpoint: emulators.endpoints.dynamodb });
    const directSqs = new SQSClient({ ...base, endpoint: emulators.endpoints.sqs });
    const retrying = { ...base, endpoint: proxy.url, maxAttempts: 2 };
    const dynamodb = new DynamoDBClient(retrying);
    const sqs = new SQSClient(retrying);
    try {
      await direct.send(
        new CreateTableCommand({
          TableName: TABLE,
          KeySchema: [{ AttributeName: 'k', KeyType: 'HASH' }],
          AttributeDefinitions: [{ AttributeName: 'k', AttributeType: 'S' }],
          BillingMode: 'PAY_PER_REQUEST',
        }),
      );
      const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'retried' }));
      proxy.setRates(rates);

      const claim = dynamodb.send(
        new PutItemCommand({
          TableName: TABLE,
          Item: { k: { S: 'claim' } },
          ConditionExpression: 'attribute_not_exists(k)',
        }),
      );
      await expect(claim).rejects.toMatchObject({ name: 'ConditionalCheckFailedException' });
      const { Item } = await direct.send(
        new GetItemCommand({ TableName: TABLE, Key: { k: { S: 'claim' } }, ConsistentRead: true }),
      );
      expect(Item).toEqual({ k: { S: 'claim' } });

      const sent = await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'once' }));
      expect(sent.$metadata.attempts).toBe(2);
      const { Attributes } = await directSqs.send(
        new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }),
      );
      expect(Attributes?.ApproximateNumberOfMessages).toBe('2');
      expect(proxy.counters().injected).toMatchObject({ dynamodb: { reset: 1 }, sqs: { reset: 1 } });
    } finally {
      for (const client of [direct, directSqs, dynamodb, sqs]) client.destroy();
    }
  });
});
