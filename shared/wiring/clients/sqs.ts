import { SQSClient } from '@aws-sdk/client-sqs';
import { lazy } from '#shared/lazy.js';
import { awsClientConfig } from '../aws.js';
import { loadConfig } from '../config.js';
import { workflowQueueUrlsEnv } from '../env/queues.js';
import { SqsWorkQueue } from '../work-queue.js';

/** The container's one SQS client (SendMessage and SendMessageBatch); each call goes to its queue URL's host. */
export const sqsClient = lazy(() => new SQSClient(awsClientConfig()));

/** Sends to whichever workflow queues this function was given (infra grants exactly those). */
export const workQueue = lazy(() => {
  const env = loadConfig(workflowQueueUrlsEnv);
  return new SqsWorkQueue({
    client: sqsClient(),
    queueUrls: { activation: env.ACTIVATION_QUEUE_URL, plan: env.PLAN_QUEUE_URL },
  });
});
