import { setMaxListeners } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Message, MessageAttributeValue } from '@aws-sdk/client-sqs';
import { DeleteMessageBatchCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { SQSEvent, SQSMessageAttributes, SQSRecord } from 'aws-lambda';
import {
  type FunctionName,
  type QueueName,
  type QueueSpec,
  queues as topologyQueues,
} from '../shared/topology.js';
import { LOCAL_REGION } from './aws.js';
import { describeError, type HandlerLoader, invokeFunction, lambdaContext } from './handlers.js';
import { type RuntimeLog, silentLog } from './log.js';

export interface PolledQueue {
  name: QueueName;
  url: string;
  arn: string;
}

export interface PollerOptions {
  sqs: SQSClient;
  queues: readonly PolledQueue[];
  loadHandler: HandlerLoader;
  /** Batch size, consumer and concurrency per queue; default shared/topology.ts. */
  specs?: Readonly<Record<QueueName, QueueSpec>>;
  /** Long-poll wait per receive (1-20 s). Short, so stop() returns quickly. Default 1. */
  waitTimeSeconds?: number;
  /** One info line per batch, a warning per failed invocation or SQS call. */
  log?: RuntimeLog;
}

export interface QueueCounters {
  /** Batches handed to the consumer. */
  batches: number;
  /** ReceiveMessage calls that brought messages (a batch gathered under a window may take several). */
  receives: number;
  records: number;
  /** Records deleted after a successful invocation. */
  succeeded: number;
  /** Records left on the queue: listed in batchItemFailures, or in a batch whose invocation failed. */
  failed: number;
  /** Invocations that threw or timed out (their whole batch counted in `failed`). */
  invocationErrors: number;
}

export interface Pollers {
  /** Per polled queue. */
  counters(): Partial<Record<QueueName, QueueCounters>>;
  /** Stops receiving (within the long-poll wait); batches in flight may finish for `graceMs` (default 10 s). */
  stop(graceMs?: number): Promise<void>;
}

function toMessageAttributes(attributes: Record<string, MessageAttributeValue> = {}): SQSMessageAttributes {
  return Object.fromEntries(
    Object.entries(attributes).map(([name, value]) => [
      name,
      {
        dataType: value.DataType ?? 'String',
        ...(value.StringValue === undefined ? {} : { stringValue: value.StringValue }),
        ...(value.BinaryValue === undefined
          ? {}
          : { binaryValue: Buffer.from(value.BinaryValue).toString('base64') }),
        stringListValues: value.StringListValues ?? [],
        binaryListValues: (value.BinaryListValues ?? []).map((item) => Buffer.from(item).toString('base64')),
      },
    ]),
  );
}

/** One received message as Lambda's SQS event source hands it over. */
export function toSqsRecord(message: Message, queueArn: string): SQSRecord {
  const attributes = message.Attributes ?? {};
  return {
    messageId: message.MessageId ?? '',
    receiptHandle: message.ReceiptHandle ?? '',
    body: message.Body ?? '',
    attributes: {
      ...attributes,
      ApproximateReceiveCount: attributes.ApproximateReceiveCount ?? '1',
      SentTimestamp: attributes.SentTimestamp ?? '',
      SenderId: attributes.SenderId ?? '',
      ApproximateFirstReceiveTimestamp: attributes.ApproximateFirstReceiveTimestamp ?? '',
    },
    messageAttributes: toMessageAttributes(message.MessageAttributes),
    md5OfBody: message.MD5OfBody ?? '',
    ...(message.MD5OfMessageAttributes ? { md5OfMessageAttributes: message.MD5OfMessageAttributes } : {}),
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: LOCAL_REGION,
  };
}

/**
 * The message ids a consumer reported as failed, or 'all' when the whole batch counts as failed.
 * As Lambda does: no `batchItemFailures` means success; an identifier that is empty or not in the
 * batch fails the whole batch.
 */
export function failedMessageIds(result: unknown, batch: readonly SQSRecord[]): Set<string> | 'all' {
  if (typeof result !== 'object' || result === null || !('batchItemFailures' in result)) return new Set();
  const failures = (result as { batchItemFailures: unknown }).batchItemFailures;
  if (failures === null || failures === undefined) return new Set();
  if (!Array.isArray(failures)) return 'all';
  const ids = new Set(batch.map((record) => record.messageId));
  const failed = new Set<string>();
  for (const failure of failures as unknown[]) {
    const id =
      typeof failure === 'object' && failure !== null && 'itemIdentifier' in failure
        ? (failure as { itemIdentifier: unknown }).itemIdentifier
        : undefined;
    if (typeof id !== 'string' || !ids.has(id)) return 'all';
    failed.add(id);
  }
  return failed;
}

const emptyCounters = (): QueueCounters => ({
  batches: 0,
  receives: 0,
  records: 0,
  succeeded: 0,
  failed: 0,
  invocationErrors: 0,
});

/**
 * How often a batch being gathered under a window looks for more messages: Lambda's event source keeps polling
 * through the window and invokes as soon as the batch is full.
 */
const GATHER_POLL_MS = 50;

/** At most `limit` invocations at once: a slot is taken before a batch is gathered and given back once handled. */
function invocationSlots(limit: number): { take(): Promise<void>; give(): void } {
  let free = limit;
  const waiting: (() => void)[] = [];
  return {
    take: () => {
      if (free > 0) {
        free -= 1;
        return Promise.resolve();
      }
      return new Promise<void>((resolve) => waiting.push(resolve));
    },
    give: () => {
      const next = waiting.shift();
      if (next) next();
      else free += 1;
    },
  };
}

/**
 * Lambda's SQS event source, locally: per queue, one poller gathers batches of up to `batchSize` messages (until
 * the batch is full or `maxBatchingWindowSeconds` has passed since its first message) and hands each to an
 * invocation of the consumer, up to `maxConcurrency` at once; every record the consumer did not report in
 * `batchItemFailures` is deleted. Failed records stay and reappear after the queue's visibility timeout; the
 * queue's redrive policy moves them to the DLQ after `maxReceiveCount` receives.
 */
export function startPollers(options: PollerOptions): Pollers {
  const specs = options.specs ?? topologyQueues;
  const waitTimeSeconds = options.waitTimeSeconds ?? 1;
  const log = options.log ?? silentLog;
  const counters: Partial<Record<QueueName, QueueCounters>> = {};
  const abort = new AbortController();
  // Cuts short the back-off after a failed receive; every loop may be waiting on it.
  setMaxListeners(0, abort.signal);
  let stopping = false;

  async function deleteSucceeded(queue: PolledQueue, records: readonly SQSRecord[]): Promise<void> {
    for (let i = 0; i < records.length; i += 10) {
      const chunk = records.slice(i, i + 10);
      const { Failed = [] } = await options.sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: queue.url,
          Entries: chunk.map((record, index) => ({ Id: String(index), ReceiptHandle: record.receiptHandle })),
        }),
      );
      for (const failure of Failed)
        log.warn(`${queue.name}: delete failed: ${failure.Code} ${failure.Message}`);
    }
  }

  async function handleBatch(
    queue: PolledQueue,
    consumer: FunctionName,
    messages: Message[],
    count: QueueCounters,
  ) {
    const records = messages.map((message) => toSqsRecord(message, queue.arn));
    const event: SQSEvent = { Records: records };
    const started = performance.now();
    count.batches += 1;
    count.records += records.length;
    const invocation = await invokeFunction(options.loadHandler, consumer, event, lambdaContext(consumer));
    let failed: Set<string> | 'all' = 'all';
    if (invocation.outcome === 'returned') {
      failed = failedMessageIds(invocation.value, records);
      if (failed === 'all') log.warn(`${consumer} returned malformed batchItemFailures: whole batch retried`);
    } else {
      count.invocationErrors += 1;
      log.warn(
        invocation.outcome === 'threw'
          ? `${consumer} threw, ${records.length} record(s) will be retried: ${describeError(invocation.error)}`
          : `${consumer} timed out after ${invocation.timeoutSeconds} s, ${records.length} record(s) will be retried`,
      );
    }
    const succeeded = failed === 'all' ? [] : records.filter((record) => !failed.has(record.messageId));
    count.failed += records.length - succeeded.length;
    count.succeeded += succeeded.length;
    if (succeeded.length > 0) await deleteSucceeded(queue, succeeded);
    const ms = Math.round(performance.now() - started);
    log.info(
      `${queue.name} queue -> ${consumer}: ${succeeded.length}/${records.length} record(s) done (${ms} ms)`,
    );
  }

  async function receive(
    queue: PolledQueue,
    count: QueueCounters,
    max: number,
    waitSeconds: number,
  ): Promise<Message[]> {
    const { Messages = [] } = await options.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queue.url,
        MaxNumberOfMessages: max,
        WaitTimeSeconds: waitSeconds,
        MessageSystemAttributeNames: ['All'],
        MessageAttributeNames: ['All'],
      }),
    );
    if (Messages.length > 0) count.receives += 1;
    return Messages;
  }

  /**
   * One batch: what a long poll brings, then, under a batching window and short of a full batch, what else
   * comes before the batch is full or the window (counted from the first message) is over.
   */
  async function receiveBatch(queue: PolledQueue, spec: QueueSpec, count: QueueCounters): Promise<Message[]> {
    const messages = await receive(queue, count, spec.batchSize, waitTimeSeconds);
    if (messages.length === 0 || spec.maxBatchingWindowSeconds <= 0) return messages;
    const windowEnds = performance.now() + spec.maxBatchingWindowSeconds * 1000;
    while (messages.length < spec.batchSize && !stopping) {
      const left = windowEnds - performance.now();
      if (left <= 0) break;
      await sleep(Math.min(GATHER_POLL_MS, left), undefined, { signal: abort.signal }).catch(() => undefined);
      const more = await receive(queue, count, spec.batchSize - messages.length, 0).catch(
        (error: unknown) => {
          log.warn(`${queue.name}: receive failed: ${describeError(error)}`);
          return [];
        },
      );
      messages.push(...more);
    }
    return messages;
  }

  const inFlight = new Set<Promise<void>>();

  async function poll(queue: PolledQueue, spec: QueueSpec, count: QueueCounters): Promise<void> {
    const slots = invocationSlots(spec.maxConcurrency);
    while (!stopping) {
      await slots.take();
      if (stopping) return;
      let messages: Message[];
      try {
        messages = await receiveBatch(queue, spec, count);
      } catch (error) {
        slots.give();
        if (stopping) return;
        log.warn(`${queue.name}: receive failed: ${describeError(error)}`);
        await sleep(1_000, undefined, { signal: abort.signal }).catch(() => undefined);
        continue;
      }
      if (messages.length === 0) {
        slots.give();
        continue;
      }
      const handled: Promise<void> = handleBatch(queue, spec.consumer, messages, count)
        .catch((error: unknown) => {
          log.warn(`${queue.name}: batch handling failed: ${describeError(error)}`);
        })
        .finally(() => {
          inFlight.delete(handled);
          slots.give();
        });
      inFlight.add(handled);
    }
  }

  const polling: Promise<void>[] = [];
  for (const queue of options.queues) {
    const count = emptyCounters();
    counters[queue.name] = count;
    polling.push(poll(queue, specs[queue.name], count));
  }

  let stopped: Promise<void> | undefined;
  return {
    counters: () => structuredClone(counters),
    stop(graceMs = 10_000) {
      stopped ??= (async () => {
        // Receives in flight are not aborted (fauxqs would still hand their messages to a closed
        // connection): they end within waitTimeSeconds, and a batch they bring is handled as usual.
        stopping = true;
        abort.abort();
        let timer: NodeJS.Timeout | undefined;
        const grace = new Promise<void>((resolve) => {
          timer = setTimeout(resolve, graceMs);
        });
        const settled = (async () => {
          await Promise.allSettled(polling);
          await Promise.allSettled([...inFlight]);
        })();
        await Promise.race([settled, grace]);
        clearTimeout(timer);
      })();
      return stopped;
    },
  };
}
