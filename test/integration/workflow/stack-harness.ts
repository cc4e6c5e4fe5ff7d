import {
  DeleteMessageCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { FaultConfig } from '#local/simulator/index.js';
import { type LocalStack, startLocalStack } from '#local/stack.js';
import { luhnCheckDigit } from '#shared/transatel/identifiers.js';
import { signBody } from '#shared/transatel/webhooks/signature.js';

export const PLAN = 'IOTC_CAPPED_EU_1GB_1M';
export const WEBHOOK_SECRET = 'integration-webhook-secret';

export interface OrderView {
  orderId: string;
  status: string;
  iccid: string;
  orderType?: string;
  subscriptionId?: string;
  msisdn?: string;
  failure?: { code: string; detail: string };
  timeline: { status: string; at: string; note?: string }[];
}

/**
 * The stack as `npm start` runs it: emulators and the events worker each in a child process of their own. The
 * first status check comes 5 s after an activation request: time enough, on a busy machine, for the ACTIVATED
 * webhook (200 ms after the request) to make its way through the events worker, so that the tests of the
 * webhook path see that path and not the poll.
 */
export async function startStack(): Promise<LocalStack> {
  return startLocalStack({
    port: 0,
    separateEmulators: true,
    separateConsumers: ['events-worker'],
    webhookSecret: WEBHOOK_SECRET,
    simulator: { activationDelayMs: 200, lifecycleDelayMs: 50 },
    env: { ...process.env, POLL_FIRST_DELAY_SECONDS: '5', LOG_LEVEL: 'ERROR' },
  });
}

export async function api(
  stack: LocalStack,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
) {
  const response = await fetch(`${stack.url}${path}`, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = text;
  }
  return { status: response.status, headers: response.headers, body: json as Record<string, unknown> };
}

/** What the workflow leaves an order in: done, failed, or waiting for a person. */
const SETTLED = new Set(['COMPLETED', 'FAILED', 'NEEDS_REVIEW']);

/** Polls GET /v1/orders until every order is settled (COMPLETED, FAILED or NEEDS_REVIEW). */
export async function waitForOrders(
  stack: LocalStack,
  orderIds: readonly string[],
  timeoutMs = 30_000,
): Promise<OrderView[]> {
  const deadline = Date.now() + timeoutMs;
  const done = new Map<string, OrderView>();
  while (done.size < orderIds.length) {
    const pending = orderIds.filter((id) => !done.has(id));
    for (let i = 0; i < pending.length; i += 25) {
      await Promise.all(
        pending.slice(i, i + 25).map(async (orderId) => {
          const { body } = await api(stack, 'GET', `/v1/orders/${orderId}`);
          const order = body as unknown as OrderView;
          if (SETTLED.has(order.status)) done.set(orderId, order);
        }),
      );
    }
    if (done.size === orderIds.length) break;
    if (Date.now() > deadline) {
      throw new Error(
        `${orderIds.length - done.size} of ${orderIds.length} orders not settled after ${timeoutMs} ms`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return orderIds.map((id) => done.get(id) as OrderView);
}

export function setFaults(stack: LocalStack, faults: FaultConfig): void {
  stack.simulator?.setFaults(faults);
}

export function counters(stack: LocalStack) {
  const simulator = stack.simulator;
  if (!simulator) throw new Error('the stack runs without the simulator');
  return simulator.counters();
}

/** A well-formed ICCID (Luhn-valid) that the simulator does not know. */
export function unknownIccid(index: number): string {
  const payload = `898824799${String(index).padStart(9, '0')}`;
  return payload + luhnCheckDigit(payload);
}

export async function postWebhook(stack: LocalStack, rawBody: string, signature: string | undefined) {
  return api(
    stack,
    'POST',
    '/v1/webhooks/transatel',
    rawBody,
    signature === undefined ? {} : { 'x-tsl-signature-256': signature },
  );
}

export const sign = (rawBody: string, secret = WEBHOOK_SECRET) => signBody(rawBody, secret);

/** Sends workflow messages straight to a queue, as SQS's at-least-once delivery may. */
export async function duplicateDelivery(stack: LocalStack, queue: 'activation' | 'plan', message: unknown) {
  const sqs = new SQSClient({
    endpoint: stack.endpoints.sqs,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  await sqs.send(
    new SendMessageCommand({ QueueUrl: stack.queueUrls[queue], MessageBody: JSON.stringify(message) }),
  );
  sqs.destroy();
}

/** Everything published on the SNS events topic so far (read from the local tap queue). */
export async function drainPublishedEvents(stack: LocalStack): Promise<Record<string, unknown>[]> {
  const sqs = new SQSClient({
    endpoint: stack.endpoints.sqs,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const events: Record<string, unknown>[] = [];
  for (;;) {
    const { Messages } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: stack.tapQueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
    );
    if (!Messages?.length) break;
    for (const message of Messages) {
      events.push(JSON.parse(message.Body ?? '{}') as Record<string, unknown>);
      await sqs.send(
        new DeleteMessageCommand({ QueueUrl: stack.tapQueueUrl, ReceiptHandle: message.ReceiptHandle }),
      );
    }
  }
  sqs.destroy();
  return events;
}
