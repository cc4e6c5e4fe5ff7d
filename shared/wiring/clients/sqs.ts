import { SQSClient } from '@aws-sdk/client-sqs';
import { lazy } from '#shared/lazy.js';
import { awsClientSettings } from '../aws.js';
import { loadConfig } from '../config.js';
import { workflowQueueUrlsEnv } from '../env/queues.js';
import { SqsWorkQueue } from '../work-queue.js';

/**
 * `cacheMiddleware`: the SDK resolves the middleware stack once per command class instead of on every send (the
 * SDK documents up to 1 ms saved a request); nothing here changes a stack after the first request.
 */
export const sqsClient = lazy(() => new SQSClient({ ...awsClientSettings(), cacheMiddleware: true }));

/** Sends to whichever workflow queues this function was given (infra grants exactly those). */
export const workQueue = lazy(() => {
  const env = loadConfig(workflowQueueUrlsEnv);
  return new SqsWorkQueue({
    client: sqsClient(),
    queueUrls: { activation: env.ACTIVATION_QUEUE_URL, plan: env.PLAN_QUEUE_URL },
  });
});
