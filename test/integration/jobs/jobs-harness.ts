import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { topologyHandlerLoader } from '#local/handlers.js';
import { type LocalStack, startLocalStack } from '#local/stack.js';
import { api } from '#test/integration/workflow/stack-harness.js';

export { api };

export interface JobView {
  jobId: string;
  action: string;
  status: string;
  total: number;
  done: number;
  failed: number;
  createdAt: string;
  scheduledFor?: string;
  startedAt?: string;
  finishedAt?: string;
}

export interface ItemView {
  iccid: string;
  status: string;
  title?: string;
  detail?: string;
}

/**
 * The local stack with its job worker behind a doubler: every message the jobs queue delivers is sent to it once
 * more (a copy, marked so that it is not copied again), as SQS's at-least-once delivery may. The simulator seeds
 * `activeSims` Active SIMs.
 */
export async function startJobsStack(
  activeSims: number,
): Promise<{ stack: LocalStack; copies: () => number }> {
  const base = topologyHandlerLoader();
  let copied = 0;
  let sqs: SQSClient | undefined;
  let stack: LocalStack | undefined;
  stack = await startLocalStack({
    port: 0,
    separateEmulators: true,
    simulator: { activationDelayMs: 200, lifecycleDelayMs: 20, simCounts: { active: activeSims } },
    env: { ...process.env, LOG_LEVEL: 'ERROR' },
    loadHandler: async (name) => {
      const handler = await base(name);
      if (name !== 'job-worker') return handler;
      return async (event, context) => {
        const originals = (event as SQSEvent).Records.filter((record) => !record.messageAttributes?.copy);
        if (stack && originals.length > 0) {
          sqs ??= new SQSClient({
            endpoint: stack.endpoints.sqs,
            region: 'us-east-1',
            credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
          });
          await sqs.send(
            new SendMessageBatchCommand({
              QueueUrl: stack.queueUrls.jobs,
              Entries: originals.map((record, index) => ({
                Id: String(index),
                MessageBody: record.body,
                MessageAttributes: { copy: { DataType: 'String', StringValue: 'yes' } },
              })),
            }),
          );
          copied += originals.length;
        }
        return handler(event, context);
      };
    },
  });
  const running = stack;
  const stop = running.stop.bind(running);
  running.stop = async () => {
    sqs?.destroy();
    await stop();
  };
  return { stack: running, copies: () => copied };
}

export async function getJob(stack: LocalStack, jobId: string): Promise<JobView> {
  const { status, body } = await api(stack, 'GET', `/v1/jobs/${jobId}`);
  if (status !== 200) throw new Error(`GET job ${jobId}: ${status} ${JSON.stringify(body)}`);
  return body as unknown as JobView;
}

/** Polls the job until `done` says so. */
export async function waitForJob(
  stack: LocalStack,
  jobId: string,
  done: (job: JobView) => boolean,
  timeoutMs = 120_000,
): Promise<JobView> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const job = await getJob(stack, jobId);
    if (done(job)) return job;
    if (Date.now() > deadline)
      throw new Error(`job ${jobId} still ${JSON.stringify(job)} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Every item of the job (optionally of one status), page after page. */
export async function allItems(stack: LocalStack, jobId: string, status?: string): Promise<ItemView[]> {
  const items: ItemView[] = [];
  let cursor: string | undefined;
  do {
    const query = new URLSearchParams({ ...(status ? { status } : {}), ...(cursor ? { cursor } : {}) });
    const { status: code, body } = await api(stack, 'GET', `/v1/jobs/${jobId}/items?${query}`);
    if (code !== 200) throw new Error(`items of ${jobId}: ${code} ${JSON.stringify(body)}`);
    items.push(...(body.items as ItemView[]));
    cursor = body.cursor as string | undefined;
  } while (cursor);
  return items;
}
