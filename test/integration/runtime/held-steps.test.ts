import { ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import * as z from 'zod';
import { LOCAL_CREDENTIALS, LOCAL_REGION, type LocalAwsClients, localAwsClients } from '#local/aws.js';
import { type Emulators, startEmulators } from '#local/emulators.js';
import { provision } from '#local/provision.js';
import { sqsHandler } from '#shared/lambda/sqs.js';
import { holdingSteps, SqsWorkQueue } from '#shared/wiring/work-queue.js';
import { lambdaContext, sqsEvent, sqsRecord } from '#test/unit/runtime/lambda-fixtures.js';

let emulators: Emulators;
let clients: LocalAwsClients;

beforeAll(async () => {
  emulators = await startEmulators({ countUsage: true });
  clients = localAwsClients(emulators.endpoints);
});
afterAll(async () => {
  clients?.destroy();
  await emulators?.stop();
});

it('sends the steps a batch held in one SendMessageBatch, each with its own delay, checks grouped', async () => {
  const resources = await provision(clients, { prefix: 'held' });
  const planUrl = resources.queues.plan.url;
  const client = new SQSClient({ region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  const queue = new SqsWorkQueue({ client, queueUrls: { plan: planUrl } });
  const handler = sqsHandler(
    z.object({ orderId: z.string(), delaySeconds: z.number() }),
    ({ orderId, delaySeconds }, _record, _context, { outbox }) =>
      holdingSteps({ queue }, outbox).queue.send({ orderId, step: 'await-activation' }, delaySeconds),
    { holdSends: true },
  );
  const before = emulators.usage().requests;
  const orders = Array.from({ length: 10 }, (_, i) => ({
    orderId: `o-${i}`,
    delaySeconds: i < 3 ? 0 : 600,
  }));
  const response = await handler(
    sqsEvent(orders.map((order, i) => sqsRecord(JSON.stringify(order), `m-${i}`))),
    lambdaContext(),
  );
  expect(response).toEqual({ batchItemFailures: [] });

  const after = emulators.usage().requests;
  const sent = (operation: string) => (after[operation] ?? 0) - (before[operation] ?? 0);
  expect(sent('AmazonSQS.SendMessageBatch')).toBe(1);
  expect(sent('AmazonSQS.SendMessage')).toBe(0);
  // The three checks without a delay travel as one message, visible now; the seven others (one message too) are
  // hidden for ten minutes.
  const { Messages = [] } = await clients.sqs.send(
    new ReceiveMessageCommand({ QueueUrl: planUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
  );
  expect(Messages.map((message) => JSON.parse(message.Body ?? '{}'))).toEqual([
    { step: 'await-activation', orderIds: ['o-0', 'o-1', 'o-2'] },
  ]);
});
