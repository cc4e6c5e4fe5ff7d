import { SendMessageBatchCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { stepQueue, type WorkflowMessage, type WorkQueue } from '../workflow/messages.js';

const BATCH = 10; // SQS's SendMessageBatch maximum
const PARALLEL_BATCHES = 8;

export interface SqsWorkQueueOptions {
  client: SQSClient;
  /** URL of each queue this function may send to; a step whose queue is missing is a wiring bug. */
  queueUrls: Partial<Record<'activation' | 'plan', string>>;
}

/** The workflow's queue port over SQS: each step goes to the queue of the worker that runs it. */
export class SqsWorkQueue implements WorkQueue {
  constructor(private readonly options: SqsWorkQueueOptions) {}

  private urlFor(message: WorkflowMessage): string {
    const queue = stepQueue[message.step];
    const url = this.options.queueUrls[queue];
    if (!url) throw new Error(`No URL configured for the ${queue} queue (step ${message.step})`);
    return url;
  }

  async send(message: WorkflowMessage, delaySeconds = 0): Promise<void> {
    await this.options.client.send(
      new SendMessageCommand({
        QueueUrl: this.urlFor(message),
        MessageBody: JSON.stringify(message),
        ...(delaySeconds > 0 ? { DelaySeconds: delaySeconds } : {}),
      }),
    );
  }

  /** Batched sends (10 a call, several calls at once); entries SQS refused once are tried once more. */
  async sendMany(messages: readonly WorkflowMessage[]): Promise<{ failed: WorkflowMessage[] }> {
    const byQueue = new Map<string, WorkflowMessage[]>();
    for (const message of messages) {
      const url = this.urlFor(message);
      byQueue.set(url, [...(byQueue.get(url) ?? []), message]);
    }
    const batches: { url: string; messages: WorkflowMessage[] }[] = [];
    for (const [url, queued] of byQueue) {
      for (let i = 0; i < queued.length; i += BATCH)
        batches.push({ url, messages: queued.slice(i, i + BATCH) });
    }
    const failed: WorkflowMessage[] = [];
    for (let i = 0; i < batches.length; i += PARALLEL_BATCHES) {
      const results = await Promise.all(
        batches.slice(i, i + PARALLEL_BATCHES).map((batch) => this.sendBatch(batch.url, batch.messages)),
      );
      for (const refused of results) failed.push(...refused);
    }
    return { failed };
  }

  private async sendBatch(
    url: string,
    messages: WorkflowMessage[],
    retry = true,
  ): Promise<WorkflowMessage[]> {
    let refused: WorkflowMessage[];
    try {
      const result = await this.options.client.send(
        new SendMessageBatchCommand({
          QueueUrl: url,
          Entries: messages.map((message, index) => ({
            Id: String(index),
            MessageBody: JSON.stringify(message),
          })),
        }),
      );
      refused = (result.Failed ?? []).map((entry) => messages[Number(entry.Id)] as WorkflowMessage);
    } catch (error) {
      if (!retry) throw error;
      refused = messages;
    }
    if (refused.length === 0 || !retry) return refused;
    return this.sendBatch(url, refused, false).catch(() => refused);
  }
}
