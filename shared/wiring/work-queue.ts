import { SendMessageBatchCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { groupBy } from '../group-by.js';
import type { Outbox, OutboxSender } from '../lambda/outbox.js';
import { MAX_CHECK_GROUP, stepQueue, type WorkflowMessage, type WorkQueue } from '../workflow/messages.js';
import type { QueueMessage } from '../workflow/queue-message.js';

const BATCH = 10; // SQS's SendMessageBatch maximum
const PARALLEL_BATCHES = 8;

export interface SqsWorkQueueOptions {
  client: SQSClient;
  /** URL of each queue this function may send to; a step whose queue is missing is a wiring bug. */
  queueUrls: Partial<Record<'activation' | 'plan', string>>;
}

/** A message on its way: its queue, and how long SQS keeps it hidden. */
export interface QueuedMessage {
  url: string;
  message: WorkflowMessage;
  delaySeconds: number;
}

/** What one SQS message carries: the messages it stands for, and its body. */
interface WireMessage {
  url: string;
  body: QueueMessage;
  delaySeconds: number;
  members: QueuedMessage[];
}

/**
 * The held messages as they go on the wire: status checks bound for the same queue with the same delay travel
 * together (MAX_CHECK_GROUP a message), every other message alone.
 */
export function toWireMessages(entries: readonly QueuedMessage[]): WireMessage[] {
  const wire: WireMessage[] = entries
    .filter((entry) => entry.message.step !== 'await-activation')
    .map((entry) => ({
      url: entry.url,
      body: entry.message,
      delaySeconds: entry.delaySeconds,
      members: [entry],
    }));
  const checks = groupBy(
    entries.filter((entry) => entry.message.step === 'await-activation'),
    (entry) => `${entry.delaySeconds} ${entry.url}`,
  );
  for (const group of checks.values()) {
    for (let i = 0; i < group.length; i += MAX_CHECK_GROUP) {
      const members = group.slice(i, i + MAX_CHECK_GROUP);
      const [first] = members as [QueuedMessage];
      const body: QueueMessage =
        members.length === 1
          ? first.message
          : { step: 'await-activation', orderIds: members.map((member) => member.message.orderId) };
      wire.push({ url: first.url, body, delaySeconds: first.delaySeconds, members });
    }
  }
  return wire;
}

/**
 * The workflow's queue port over SQS: each step goes to the queue of the worker that runs it, at once or held in
 * a batch's outbox (`holdingSteps`) and sent with the batch's others.
 */
export class SqsWorkQueue implements WorkQueue, OutboxSender<QueuedMessage> {
  constructor(private readonly options: SqsWorkQueueOptions) {}

  private queued(message: WorkflowMessage, delaySeconds = 0): QueuedMessage {
    const queue = stepQueue[message.step];
    const url = this.options.queueUrls[queue];
    if (!url) throw new Error(`No URL configured for the ${queue} queue (step ${message.step})`);
    return { url, message, delaySeconds };
  }

  async send(message: WorkflowMessage, delaySeconds = 0): Promise<void> {
    await this.options.client.send(
      new SendMessageCommand({
        QueueUrl: this.queued(message).url,
        MessageBody: JSON.stringify(message),
        ...(delaySeconds > 0 ? { DelaySeconds: delaySeconds } : {}),
      }),
    );
  }

  /** Holds the step in `outbox`, for its flush (sendHeld); sent at once when no record is being handled. */
  async holdIn(outbox: Outbox, message: WorkflowMessage, delaySeconds = 0): Promise<void> {
    if (!outbox.hold(this, this.queued(message, delaySeconds))) await this.send(message, delaySeconds);
  }

  /** Batched sends (10 a call, several calls at once); entries SQS refused once are tried once more. */
  async sendMany(messages: readonly WorkflowMessage[]): Promise<{ failed: WorkflowMessage[] }> {
    const refused = await this.sendHeld(messages.map((message) => this.queued(message)));
    return { failed: refused.map((queued) => queued.message) };
  }

  /**
   * The outbox's flush: as sendMany, each message with its own delay, status checks grouped (toWireMessages);
   * returns those SQS did not take.
   */
  async sendHeld(entries: readonly QueuedMessage[]): Promise<QueuedMessage[]> {
    const byQueue = groupBy(toWireMessages(entries), (wire) => wire.url);
    const batches: WireMessage[][] = [];
    for (const queued of byQueue.values()) {
      for (let i = 0; i < queued.length; i += BATCH) batches.push(queued.slice(i, i + BATCH));
    }
    const failed: QueuedMessage[] = [];
    for (let i = 0; i < batches.length; i += PARALLEL_BATCHES) {
      const results = await Promise.all(
        batches.slice(i, i + PARALLEL_BATCHES).map((batch) => this.sendBatch(batch)),
      );
      for (const refused of results) failed.push(...refused.flatMap((wire) => wire.members));
    }
    return failed;
  }

  /** One queue's batch of up to ten. */
  private async sendBatch(batch: WireMessage[], retry = true): Promise<WireMessage[]> {
    let refused: WireMessage[];
    try {
      const result = await this.options.client.send(
        new SendMessageBatchCommand({
          QueueUrl: (batch[0] as WireMessage).url,
          Entries: batch.map((wire, index) => ({
            Id: String(index),
            MessageBody: JSON.stringify(wire.body),
            ...(wire.delaySeconds > 0 ? { DelaySeconds: wire.delaySeconds } : {}),
          })),
        }),
      );
      refused = (result.Failed ?? []).map((entry) => batch[Number(entry.Id)] as WireMessage);
    } catch (error) {
      if (!retry) throw error;
      refused = batch;
    }
    if (refused.length === 0 || !retry) return refused;
    return this.sendBatch(refused, false).catch(() => refused);
  }
}

/** `deps` whose steps wait in the batch's outbox (sqsHandler's `holdSends`), when there is one. */
export function holdingSteps<Deps extends { queue: WorkQueue }>(
  deps: Deps,
  outbox: Outbox | undefined,
): Deps {
  const { queue } = deps;
  if (!outbox || !(queue instanceof SqsWorkQueue)) return deps;
  return {
    ...deps,
    queue: {
      send: (message, delaySeconds) => queue.holdIn(outbox, message, delaySeconds),
      sendMany: (messages) => queue.sendMany(messages),
    },
  };
}
