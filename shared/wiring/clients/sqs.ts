import { SqsClient } from '#shared/aws/sqs.js';
import { lazy } from '#shared/lazy.js';
import { signedCallSettings } from '../aws.js';
import { loadConfig } from '../config.js';
import { workflowQueueUrlsEnv } from '../env/queues.js';
import { SqsWorkQueue } from '../work-queue.js';

/** The container's one SQS client (SendMessage and SendMessageBatch, signed by the project: shared/aws/sqs.ts). */
export const sqsClient = lazy(() => new SqsClient(signedCallSettings('SQS')));

/** Sends to whichever workflow queues this function was given (infra grants exactly those). */
export const workQueue = lazy(() => {
  const env = loadConfig(workflowQueueUrlsEnv);
  return new SqsWorkQueue({
    client: sqsClient(),
    queueUrls: { activation: env.ACTIVATION_QUEUE_URL, plan: env.PLAN_QUEUE_URL },
  });
});
