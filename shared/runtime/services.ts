import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { z } from 'zod';
import { DynamoOrderStore } from '../store/dynamo-order-store.js';
import { createDocumentClient } from '../store/dynamo-support.js';
import type { IdempotencyStore } from '../store/idempotency.js';
import { DynamoIdempotencyStore } from '../store/idempotency.js';
import type { OrderStore } from '../store/order-store.js';
import { createTransatelClient, type TransatelClient } from '../transatel/client.js';
import { defaultWorkflowSettings, type WorkflowDeps, type WorkflowSettings } from '../workflow/deps.js';
import { awsClientSettings } from './aws.js';
import {
  activationDeadlineEnv,
  envSchema,
  idempotencyTableEnv,
  loadConfig,
  ordersTableEnv,
  transatelApiEnv,
} from './config.js';
import { logger } from './logger.js';
import { getTransatelCredentials } from './secrets.js';
import { SqsWorkQueue } from './work-queue.js';

/**
 * Process-wide clients, made on first use and kept for the life of the Lambda container: one Transatel
 * token, one HTTP keep-alive pool, one SDK client per service. Each reads only the variables it needs.
 */
function lazy<T>(make: () => T): () => T {
  let value: T | undefined;
  return () => {
    value ??= make();
    return value;
  };
}

export const transatelClient = lazy((): TransatelClient => {
  const env = loadConfig(transatelApiEnv);
  return createTransatelClient({
    baseUrl: env.TRANSATEL_BASE_URL,
    mvnoRef: env.TRANSATEL_MVNO_REF,
    cos: env.TRANSATEL_COS,
    ratePlan: env.TRANSATEL_RATE_PLAN,
    defaultOptions: env.TRANSATEL_DEFAULT_OPTIONS,
    maxRequestsPerSecond: env.TRANSATEL_MAX_RPS,
    credentials: getTransatelCredentials,
    logger: {
      debug: (message, attributes) => logger.debug(message, attributes ?? {}),
      warn: (message, attributes) => logger.warn(message, attributes ?? {}),
    },
  });
});

const documentClient = lazy(() => createDocumentClient(awsClientSettings()));
export const sqsClient = lazy(() => new SQSClient(awsClientSettings()));
export const snsClient = lazy(() => new SNSClient(awsClientSettings()));

export const orderStore = lazy((): OrderStore => {
  const { ORDERS_TABLE_NAME } = loadConfig(ordersTableEnv);
  return new DynamoOrderStore({ client: documentClient(), tableName: ORDERS_TABLE_NAME });
});

export const idempotencyStore = lazy((): IdempotencyStore => {
  const { IDEMPOTENCY_TABLE_NAME } = loadConfig(idempotencyTableEnv);
  return new DynamoIdempotencyStore({ client: documentClient(), tableName: IDEMPOTENCY_TABLE_NAME });
});

const optionalQueueUrls = z.object({
  ACTIVATION_QUEUE_URL: z.url().optional(),
  SUBSCRIPTION_QUEUE_URL: z.url().optional(),
});

/** Sends to whichever workflow queues this function was given (infra grants exactly those). */
export const workQueue = lazy(() => {
  const env = loadConfig(optionalQueueUrls);
  return new SqsWorkQueue({
    client: sqsClient(),
    queueUrls: { activation: env.ACTIVATION_QUEUE_URL, subscription: env.SUBSCRIPTION_QUEUE_URL },
  });
});

const workflowTimingEnv = envSchema(
  activationDeadlineEnv,
  z.object({
    POLL_FIRST_DELAY_SECONDS: z.coerce
      .number()
      .int()
      .min(0)
      .max(900)
      .default(defaultWorkflowSettings.firstPollDelaySeconds),
    PLAN_CLAIM_LEASE_SECONDS: z.coerce
      .number()
      .int()
      .min(1)
      .max(900)
      .default(defaultWorkflowSettings.claimLeaseSeconds),
  }),
);

export const workflowSettings = lazy((): WorkflowSettings => {
  const env = loadConfig(workflowTimingEnv);
  return {
    activationDeadlineSeconds: env.ACTIVATION_DEADLINE_SECONDS,
    firstPollDelaySeconds: env.POLL_FIRST_DELAY_SECONDS,
    claimLeaseSeconds: env.PLAN_CLAIM_LEASE_SECONDS,
  };
});

/** Everything the workflow steps need, wired to the real services. */
export const workflowDeps = lazy(
  (): WorkflowDeps => ({
    store: orderStore(),
    transatel: transatelClient(),
    queue: workQueue(),
    settings: workflowSettings(),
    now: () => new Date(),
    logger: {
      info: (message, attributes) => logger.info(message, attributes ?? {}),
      warn: (message, attributes) => logger.warn(message, attributes ?? {}),
    },
  }),
);
