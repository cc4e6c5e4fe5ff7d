import {
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalAwsClients, localAwsClients } from '#local/aws.js';
import { type Emulators, startEmulators } from '#local/emulators.js';
import type { HandlerLoader } from '#local/handlers.js';
import { type Pollers, startPollers } from '#local/poller.js';
import { type Provisioned, provision } from '#local/provision.js';
import { queues as topologyQueues } from '#shared/topology.js';
import { type RecordingConsumer, recordingConsumer } from '#test/fixtures/local/sqs-consumer.js';
import { waitFor } from '#test/fixtures/local/wait.js';

describe('queue pollers', () => {
  let emulators: Emulators;
  let clients: LocalAwsClients;
  // Each test polls its own queues; stopping costs up to one long-poll wait, so all stop together at the end.
  const running: Pollers[] = [];
  let pollers: Pollers | undefined;
  const prefixes = { n: 0 };

  beforeAll(async () => {
    emulators = await startEmulators();
    clients = localAwsClients(emulators.endpoints);
  });
  afterAll(async () => {
    await Promise.all(running.map((each) => each.stop()));
    clients.destroy();
    await emulators.stop();
  });

  /** Fresh resources per test; only the activation queue is polled, by the given consumer. */
  async function setUp(
    consumer: RecordingConsumer,
    visibility: number,
    concurrency?: number,
    batchingWindowSeconds = 0,
  ) {
    prefixes.n += 1;
    const resources = await provision(clients, {
      prefix: `poll${prefixes.n}`,
      visibilityTimeoutOverrideSeconds: visibility,
    });
    const loadHandler: HandlerLoader = async (name) => {
      if (name !== 'activation-worker') throw new Error(`unexpected consumer ${name}`);
      return consumer.handler;
    };
    const specs = {
      ...topologyQueues,
      activation: {
        ...topologyQueues.activation,
        maxConcurrency: concurrency ?? topologyQueues.activation.maxConcurrency,
        maxBatchingWindowSeconds: batchingWindowSeconds,
      },
    };
    const queue = resources.queues.activation;
    pollers = startPollers({
      sqs: clients.sqs,
      queues: [{ name: 'activation', url: queue.url, arn: queue.arn }],
      loadHandler,
      specs,
    });
    running.push(pollers);
    return resources;
  }

  async function send(resources: Provisioned, ...bodies: string[]) {
    await clients.sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: resources.queues.activation.url,
        Entries: bodies.map((body, i) => ({
          Id: String(i),
          MessageBody: body,
          MessageAttributes: { kind: { DataType: 'String', StringValue: 'test' } },
        })),
      }),
    );
  }

  async function depth(url: string): Promise<{ visible: number; inFlight: number }> {
    const { Attributes = {} } = await clients.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: url,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    return {
      visible: Number(Attributes.ApproximateNumberOfMessages),
      inFlight: Number(Attributes.ApproximateNumberOfMessagesNotVisible),
    };
  }

  it('hands the consumer Lambda-shaped records and deletes the ones it did not report', async () => {
    const consumer = recordingConsumer(() => 'ok');
    const resources = await setUp(consumer, 30);
    await send(resources, '{"n":1}', '{"n":2}');

    await waitFor(() => (consumer.seen.length >= 2 ? true : undefined));
    await waitFor(async () =>
      (await depth(resources.queues.activation.url)).inFlight === 0 ? true : undefined,
    );
    expect(await depth(resources.queues.activation.url)).toEqual({ visible: 0, inFlight: 0 });

    const record = consumer.events[0]?.Records[0];
    expect(record).toMatchObject({
      eventSource: 'aws:sqs',
      eventSourceARN: resources.queues.activation.arn,
      awsRegion: 'us-east-1',
      messageAttributes: {
        kind: { dataType: 'String', stringValue: 'test', stringListValues: [], binaryListValues: [] },
      },
      attributes: { ApproximateReceiveCount: '1', SenderId: expect.any(String) },
    });
    expect(record?.md5OfBody).toMatch(/^[0-9a-f]{32}$/);
    expect(record?.attributes.SentTimestamp).toMatch(/^\d+$/);
    expect(record?.attributes.ApproximateFirstReceiveTimestamp).toMatch(/^\d+$/);
    expect(pollers?.counters().activation).toMatchObject({ records: 2, succeeded: 2, failed: 0 });
  });

  it('gathers messages sent one by one into one batch under a batching window', async () => {
    const consumer = recordingConsumer(() => 'ok');
    const resources = await setUp(consumer, 30, 1, 1);
    for (const n of [1, 2, 3]) {
      await clients.sqs.send(
        new SendMessageCommand({ QueueUrl: resources.queues.activation.url, MessageBody: `{"n":${n}}` }),
      );
    }
    await waitFor(() => (consumer.seen.length >= 3 ? true : undefined));
    expect(consumer.events.map((event) => event.Records.length)).toEqual([3]);
  });

  it('hands a batch over as soon as it is full, before its window is over', async () => {
    const consumer = recordingConsumer(() => 'ok');
    // A window far longer than the test may take: only a full batch can end it.
    const resources = await setUp(consumer, 30, 1, 300);
    for (let n = 1; n <= topologyQueues.activation.batchSize; n++) {
      await clients.sqs.send(
        new SendMessageCommand({ QueueUrl: resources.queues.activation.url, MessageBody: `{"n":${n}}` }),
      );
    }
    await waitFor(() => (consumer.seen.length >= topologyQueues.activation.batchSize ? true : undefined));
    expect(consumer.events.map((event) => event.Records.length)).toEqual([
      topologyQueues.activation.batchSize,
    ]);
  });

  it('runs at most maxConcurrency invocations at once, and leaves the rest on the queue meanwhile', async () => {
    let running = 0;
    let peak = 0;
    let release: () => void = () => {};
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    const recorder = recordingConsumer(() => 'ok');
    const consumer: RecordingConsumer = {
      ...recorder,
      handler: async (event, context) => {
        running += 1;
        peak = Math.max(peak, running);
        await released;
        running -= 1;
        return recorder.handler(event, context);
      },
    };
    const resources = await setUp(consumer, 30, 2);
    for (let batch = 0; batch < 4; batch++) {
      await send(resources, ...Array.from({ length: 10 }, (_, i) => `${batch}-${i}`));
    }
    await waitFor(() => (running === 2 ? true : undefined));
    // Both slots are held: what is not in their batches stays visible on the queue.
    expect((await depth(resources.queues.activation.url)).visible).toBeGreaterThan(0);
    release();
    await waitFor(() => (recorder.seen.length >= 40 ? true : undefined));
    expect(peak).toBe(2);
  });

  it('leaves a reported failure for the visibility timeout, then redelivers it with receive count 2', async () => {
    const consumer = recordingConsumer((body, count) => (body === 'flaky' && count === 1 ? 'fail' : 'ok'));
    const resources = await setUp(consumer, 1);
    await send(resources, 'flaky', 'fine');

    const first = await waitFor(() => consumer.seen.find((s) => s.body === 'flaky'));
    const firstAt = Date.now();
    const second = await waitFor(() => consumer.seen.find((s) => s.body === 'flaky' && s.receiveCount === 2));
    expect(second.messageId).toBe(first.messageId);
    expect(Date.now() - firstAt).toBeGreaterThanOrEqual(800);
    expect(consumer.seen.filter((s) => s.body === 'fine')).toHaveLength(1);
    await waitFor(async () =>
      (await depth(resources.queues.activation.url)).inFlight === 0 ? true : undefined,
    );
    expect(pollers?.counters().activation).toMatchObject({ records: 3, succeeded: 2, failed: 1 });
  });

  it('moves a record that keeps failing to the DLQ after the topology maxReceiveCount', async () => {
    // Visibility 0 and one loop: redeliveries follow each other at once, in order.
    const consumer = recordingConsumer((body) => (body === 'poison' ? 'fail' : 'ok'));
    const resources = await setUp(consumer, 0, 1);
    await send(resources, 'poison', 'fine');

    const { dlqUrl } = resources.queues.activation;
    const moved = await waitFor(async () => {
      const { Messages } = await clients.sqs.send(
        new ReceiveMessageCommand({ QueueUrl: dlqUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
      );
      return Messages?.length ? Messages : undefined;
    });
    expect(moved.map((message) => message.Body)).toEqual(['poison']);
    const receiveCounts = consumer.seen.filter((s) => s.body === 'poison').map((s) => s.receiveCount);
    expect(receiveCounts).toEqual([1, 2, 3, 4, 5].slice(0, topologyQueues.activation.maxReceiveCount));
    expect(consumer.seen.filter((s) => s.body === 'fine')).toHaveLength(1);
  });

  it('retries the whole batch when the consumer throws', async () => {
    const consumer = recordingConsumer((body, count) => (body === 'boom' && count === 1 ? 'throw' : 'ok'));
    const resources = await setUp(consumer, 0, 1);
    await clients.sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: resources.queues.activation.url,
        Entries: [
          { Id: 'a', MessageBody: 'boom' },
          { Id: 'b', MessageBody: 'bystander' },
        ],
      }),
    );

    await waitFor(() =>
      consumer.seen.some((s) => s.body === 'boom' && s.receiveCount === 2) ? true : undefined,
    );
    await waitFor(async () =>
      (await depth(resources.queues.activation.url)).inFlight === 0 ? true : undefined,
    );
    expect(consumer.events[0]?.Records.map((record) => record.body)).toEqual(['boom', 'bystander']);
    // The throw came before the bystander was looked at, and it was redelivered all the same.
    const bystander = consumer.seen.filter((s) => s.body === 'bystander').map((s) => s.receiveCount);
    expect(bystander).toEqual([2]);
    expect(pollers?.counters().activation?.invocationErrors).toBe(1);
    expect(await depth(resources.queues.activation.url)).toEqual({ visible: 0, inFlight: 0 });
  });

  it('stops within the long-poll wait and leaves later messages alone', async () => {
    const consumer = recordingConsumer(() => 'ok');
    const resources = await setUp(consumer, 30);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const started = Date.now();
    await pollers?.stop();
    // Well before the 30 s long poll would have ended on its own.
    expect(Date.now() - started).toBeLessThan(15_000);

    await clients.sqs.send(
      new SendMessageCommand({ QueueUrl: resources.queues.activation.url, MessageBody: 'late' }),
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(consumer.seen).toHaveLength(0);
    expect(await depth(resources.queues.activation.url)).toEqual({ visible: 1, inFlight: 0 });
  });
});
