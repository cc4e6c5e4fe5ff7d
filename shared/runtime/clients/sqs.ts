import { SQSClient } from '@aws-sdk/client-sqs';
import { lazy } from '#shared/lazy.js';
import * as z from '#shared/zod.js';
import { awsClientSettings } from '../aws.js';
import { loadConfig } from '../config.js';
import { SqsWorkQueue } from '../work-queue.js';

export const sqsClient = lazy(() => new SQSClient(awsClientSettings()));

const optionalQueueUrls = z.object({
  ACTIVATION_QUEUE_URL: z.optional(z.url()),
  SUBSCRIPTION_QUEUE_URL: z.optional(z.url()),
});

/** Sends to whichever workflow queues this function was given (infra grants exactly those). */
export const workQueue = lazy(() => {
  const env = loadConfig(optionalQueueUrls);
  return new SqsWorkQueue({
    client: sqsClient(),
    queueUrls: { activation: env.ACTIVATION_QUEUE_URL, subscription: env.SUBSCRIPTION_QUEUE_URL },
  });
});
