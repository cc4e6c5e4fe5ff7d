import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { forEachConcurrently } from '#shared/concurrency.js';
import type { JobMessage, JobQueue } from '#shared/jobs/messages.js';

const BATCH = 10; // SQS's SendMessageBatch maximum
const PARALLEL_BATCHES = 8;

/** The jobs queue over SQS: batched sends; any entry SQS refuses (after one more try) fails the call. */
export class SqsJobQueue implements JobQueue {
  constructor(private readonly options: { client: SQSClient; queueUrl: string }) {}

  async sendMany(messages: readonly JobMessage[], delaySeconds = 0): Promise<void> {
    const batches: JobMessage[][] = [];
    for (let i = 0; i < messages.length; i += BATCH) batches.push(messages.slice(i, i + BATCH));
    await forEachConcurrently(batches, PARALLEL_BATCHES, async (batch) => {
      let pending = batch.map((message, index) => ({
        Id: String(index),
        MessageBody: JSON.stringify(message),
      }));
      for (let attempt = 1; pending.length > 0; attempt += 1) {
        if (attempt > 2) throw new Error(`SQS refused ${pending.length} job messages`);
        const result = await this.options.client.send(
          new SendMessageBatchCommand({
            QueueUrl: this.options.queueUrl,
            Entries: pending.map((entry) => ({
              ...entry,
              ...(delaySeconds > 0 ? { DelaySeconds: delaySeconds } : {}),
            })),
          }),
        );
        const failed = new Set((result.Failed ?? []).map((entry) => entry.Id));
        pending = pending.filter((entry) => failed.has(entry.Id));
      }
    });
  }
}
