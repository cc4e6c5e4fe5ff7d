import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '#local/aws.js';
import { startupBanner } from '#local/banner.js';
import { LocalConfigError } from '#local/env.js';
import type { HandlerLoader, LambdaHandler } from '#local/handlers.js';
import type { RuntimeLog } from '#local/log.js';
import { iccidFor } from '#local/simulator/index.js';
import { type LocalStack, startLocalStack } from '#local/stack.js';
import type { FunctionName } from '#shared/topology.js';
import { waitFor } from '#test/fixtures/local/wait.js';
import {
  enqueueApi,
  readOrderApi,
  receivedWebhooks,
  storingWorker,
  verifyingWebhook,
} from '#test/fixtures/local/wiring-handlers.js';

const fixtures: Partial<Record<FunctionName, LambdaHandler>> = {
  'activation-api': enqueueApi,
  'activation-worker': storingWorker,
  'orders-api': readOrderApi,
  'webhook-intake': verifyingWebhook,
};
const loadHandler: HandlerLoader = async (name) => {
  const handler = fixtures[name];
  if (!handler) throw new Error(`no fixture for ${name}`);
  return handler;
};

describe('startLocalStack', () => {
  let stack: LocalStack;
  let sqs: SQSClient;
  const warnings: string[] = [];
  const log: RuntimeLog = { info: () => {}, warn: (line) => warnings.push(line) };
  const before = { ORDERS_TABLE_NAME: process.env.ORDERS_TABLE_NAME, AWS_ENDPOINT_URL: 'http://elsewhere:1' };

  beforeAll(async () => {
    process.env.AWS_ENDPOINT_URL = before.AWS_ENDPOINT_URL;
    stack = await startLocalStack({
      port: 0,
      loadHandler,
      env: {},
      log,
      simulator: { activationDelayMs: 0 },
      // The fixtures stand in for the queue consumers only; test/unit/local/schedules.test.ts covers schedules.
      schedules: false,
    });
    sqs = new SQSClient({
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
      endpoint: stack.endpoints.sqs,
    });
  });
  afterAll(async () => {
    sqs?.destroy();
    await stack?.stop();
    expect(process.env.AWS_ENDPOINT_URL).toBe(before.AWS_ENDPOINT_URL);
    expect(process.env.ORDERS_TABLE_NAME).toBe(before.ORDERS_TABLE_NAME);
    delete process.env.AWS_ENDPOINT_URL;
  });

  it('gives the functions an environment pointing at the emulators and the simulator', () => {
    expect(process.env.ORDERS_TABLE_NAME).toBe('local-orders');
    expect(process.env.IDEMPOTENCY_TABLE_NAME).toBe('local-idempotency');
    expect(process.env.CATALOG_TABLE_NAME).toBe('local-catalog');
    expect(process.env.HISTORY_TABLE_NAME).toBe('local-history');
    expect(process.env.ACTIVATION_QUEUE_URL).toBe(stack.queueUrls.activation);
    expect(process.env.EVENTS_TOPIC_ARN).toBe(stack.resources.topicArn);
    expect(process.env.AWS_ENDPOINT_URL).toBeUndefined();
    expect(process.env.AWS_ENDPOINT_URL_SQS).toBe(new URL(stack.queueUrls.activation).origin);
    expect(process.env.AWS_ENDPOINT_URL_DYNAMODB).toBe(stack.endpoints.dynamodb);
    expect(process.env.AWS_ENDPOINT_URL_SNS).toBe(stack.endpoints.sns);
    expect(process.env.TRANSATEL_BASE_URL).toBe(stack.simulator?.url);
    expect(process.env.TRANSATEL_MVNO_REF).toBe('M2MA_WW_TSL_LOCAL');
    // The credentials are in the stand-in's secret, not in the functions' environment.
    expect(process.env.TRANSATEL_SECRET_ID).toBe(stack.secretsManager.secretId);
    expect(stack.secretsManager.secretId).toMatch(
      /^arn:aws:secretsmanager:us-east-1:000000000000:secret:iot-capped-plans\/local\/transatel-/,
    );
    expect(process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER).toBe(stack.secretsManager.url);
    expect(process.env.TRANSATEL_CLIENT_ID).toBeUndefined();
    expect(process.env.TRANSATEL_CLIENT_SECRET).toBeUndefined();
    expect(process.env.TRANSATEL_WEBHOOK_SECRET).toBeUndefined();
    expect(process.env.ACTIVATION_DEADLINE_SECONDS).toBe('600');
    expect(process.env.POLL_FIRST_DELAY_SECONDS).toBe('3');
    expect(process.env.STAGE).toBe('local');
    expect(stack.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(Object.keys(stack.dlqUrls).sort()).toEqual([
      'activation',
      'events',
      'jobs',
      'plan',
      'policy',
      'report',
    ]);
    expect(process.env.JOBS_TABLE_NAME).toBe('local-jobs');
    expect(process.env.JOBS_QUEUE_ARN).toBe(stack.resources.queues.jobs.arn);
    expect(process.env.AWS_ENDPOINT_URL_SCHEDULER).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    // fauxqs serves S3 on its SQS port: the reports bucket, provisioned.
    expect(process.env.AWS_ENDPOINT_URL_S3).toBe(stack.endpoints.sqs);
    expect(process.env.REPORTS_BUCKET_NAME).toBe('local-reports');
    expect(stack.resources.reportsBucket).toBe('local-reports');
    expect(stack.webhook).toEqual({
      url: `${stack.url}/v1/webhooks/transatel`,
      secret: 'local-webhook-secret',
      source: 'default',
    });
  });

  it('runs request -> queue -> worker -> DynamoDB and SNS through the clients as the functions configure them', async () => {
    const accepted = await fetch(`${stack.url}/v1/activations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'order-1' }),
    });
    expect(accepted.status).toBe(202);

    const stored = await waitFor(async () => {
      const response = await fetch(`${stack.url}/v1/orders/order-1`);
      return response.status === 200 ? ((await response.json()) as unknown) : undefined;
    });
    expect(stored).toEqual({ orderId: 'order-1', stored: true });
    const counters = await waitFor(() => {
      const activation = stack.pollers?.counters().activation;
      return activation?.succeeded ? activation : undefined;
    });
    expect(counters).toMatchObject({ batches: 1, records: 1, succeeded: 1, failed: 0, invocationErrors: 0 });

    const { Messages } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: stack.tapQueueUrl, WaitTimeSeconds: 1, MaxNumberOfMessages: 10 }),
    );
    expect(Messages?.map((message) => message.Body)).toEqual(['{"stored":"order-1"}']);
    expect(warnings).toEqual([]);
  });

  it("delivers the simulator's webhooks to the webhook route, signed with the webhook secret", async () => {
    const emitted = await fetch(`${stack.simulator?.url}/_sim/webhooks/test`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        eventType: 'CONNECTIVITY-MANAGEMENT/SUBSCRIBER/ACTIVATED',
        body: { iccid: iccidFor('available', 0) },
      }),
    });
    expect(emitted.status).toBe(202);
    const received = await waitFor(() => (receivedWebhooks.length > 0 ? receivedWebhooks : undefined));
    expect(JSON.stringify(received[0])).toContain('CONNECTIVITY-MANAGEMENT/SUBSCRIBER/ACTIVATED');
  });

  it('prints where everything listens, the webhook secret and a first curl on a seeded SIM', () => {
    const banner = startupBanner(stack);
    expect(banner).toContain(`API gateway     ${stack.url}`);
    expect(banner).toContain(stack.endpoints.dynamodb);
    expect(banner).toContain(stack.simulator?.url);
    expect(banner).toContain(`Secrets Manager ${stack.secretsManager.url}`);
    expect(banner).toContain('local-webhook-secret');
    expect(banner).toContain('TRANSATEL_WEBHOOK_SECRET');
    expect(banner).toContain(`${stack.url}/v1/sims/${iccidFor('available', 0)}/activation`);
    expect(banner).toContain('"planId":"IOTC_CAPPED_EU_1GB_1M"');
    expect(banner).toContain(`${stack.url}/v1/orders/<orderId>`);
    expect(banner).toContain(`${stack.url}/v1/sims/${iccidFor('available', 0)}/balance`);
    expect(banner).not.toContain('local-secret');
  });

  it('stops everything and puts the environment back', async () => {
    process.env.TRANSATEL_WEBHOOK_SECRETS = 'current,previous';
    const second = await startLocalStack({ port: 0, loadHandler, env: {}, pollers: false });
    expect(process.env.TRANSATEL_WEBHOOK_SECRETS).toBeUndefined();
    expect(process.env.TRANSATEL_BASE_URL).toBe(second.simulator?.url);
    await second.stop();
    expect(process.env.TRANSATEL_WEBHOOK_SECRETS).toBe('current,previous');
    expect(process.env.TRANSATEL_BASE_URL).toBe(stack.simulator?.url);
    delete process.env.TRANSATEL_WEBHOOK_SECRETS;
    await expect(fetch(`${second.url}/v1/orders/x`)).rejects.toThrow();
    await expect(fetch(`${second.simulator?.url}/_sim/health`)).rejects.toThrow();
    await expect(second.stop()).resolves.toBeUndefined();
  });
});

describe('startLocalStack with a Transatel URL still to come (the bench starts its simulator meanwhile)', () => {
  /** No pollers, schedules or process environment: only the start itself is under test. */
  const startWith = (transatelBaseUrl: Promise<string>) =>
    startLocalStack({
      port: 0,
      loadHandler,
      pollers: false,
      schedules: false,
      applyToProcessEnv: false,
      env: {
        TRANSATEL_CLIENT_ID: 'bench-client',
        TRANSATEL_CLIENT_SECRET: 'bench-secret',
        TRANSATEL_MVNO_REF: 'M2MA_BENCH',
      },
      transatelBaseUrl,
    });

  it('waits for the promised URL while the emulators start, then uses it', async () => {
    const stack = await startWith(
      new Promise((resolve) => setTimeout(() => resolve('http://127.0.0.1:9'), 50)),
    );
    try {
      expect(stack.simulator).toBeUndefined();
      expect(stack.transatel).toEqual({ mode: 'real', baseUrl: 'http://127.0.0.1:9' });
      expect(stack.env.TRANSATEL_BASE_URL).toBe('http://127.0.0.1:9');
    } finally {
      await stack.stop();
    }
  });

  it("fails with the promise's error when the URL never comes", async () => {
    await expect(startWith(Promise.reject(new Error('the simulator did not start')))).rejects.toThrow(
      'the simulator did not start',
    );
  });
});

describe('startLocalStack against a real Transatel', () => {
  it('refuses to start without the credentials, naming the missing variables only', async () => {
    const attempt = startLocalStack({
      port: 0,
      loadHandler,
      env: { TRANSATEL_BASE_URL: 'https://api.transatel.example', TRANSATEL_CLIENT_ID: 'client-id-value' },
    });
    await expect(attempt).rejects.toBeInstanceOf(LocalConfigError);
    await expect(attempt).rejects.toThrow(/TRANSATEL_CLIENT_SECRET, TRANSATEL_MVNO_REF/);
    await expect(attempt).rejects.not.toThrow(/client-id-value/);
  });

  it('starts without the simulator and never prints a secret it was given', async () => {
    const stack = await startLocalStack({
      port: 0,
      loadHandler,
      pollers: false,
      applyToProcessEnv: false,
      env: {
        TRANSATEL_BASE_URL: 'https://api.transatel.example',
        TRANSATEL_CLIENT_ID: 'real-client',
        TRANSATEL_CLIENT_SECRET: 'real-client-secret',
        TRANSATEL_MVNO_REF: 'M2MA_REAL',
        TRANSATEL_WEBHOOK_SECRET: 'real-webhook-secret',
      },
    });
    try {
      expect(stack.simulator).toBeUndefined();
      expect(stack.env.TRANSATEL_BASE_URL).toBe('https://api.transatel.example');
      expect(stack.env.TRANSATEL_CLIENT_SECRET).toBeUndefined();
      const secrets = new SecretsManagerClient({
        region: LOCAL_REGION,
        credentials: LOCAL_CREDENTIALS,
        endpoint: stack.secretsManager.url,
      });
      const { SecretString } = await secrets.send(
        new GetSecretValueCommand({ SecretId: stack.secretsManager.secretId }),
      );
      secrets.destroy();
      expect(JSON.parse(SecretString ?? '{}')).toEqual({
        clientId: 'real-client',
        clientSecret: 'real-client-secret',
        webhookSecrets: ['real-webhook-secret'],
      });
      expect(stack.webhook.source).toBe('env');
      const banner = startupBanner(stack);
      expect(banner).toContain('real API');
      expect(banner).not.toContain('real-client-secret');
      expect(banner).not.toContain('real-webhook-secret');
    } finally {
      await stack.stop();
    }
  });
});
