import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteMessageBatchCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { BatchGetCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { LocalStack } from '../local/stack.js';
import { UNCOUNTED_HEADER } from '../local/usage.js';
import type { QueueName } from '../shared/topology.js';

/** One SIM of a bulk activation request. */
export interface OrderRequest {
  iccid: string;
  planId: string;
}

export interface AcceptedOrder {
  orderId: string;
  iccid: string;
}

export interface Submission {
  accepted: AcceptedOrder[];
  rejected: number;
  /** HTTP statuses of the bulk calls that did not answer 202. */
  failedCalls: number[];
  startedAt: number;
  endedAt: number;
}

/** POST /v1/activations in chunks (the bulk API takes up to 1,000 SIMs a call), one call at a time. */
export async function submitActivations(
  baseUrl: string,
  requests: readonly OrderRequest[],
  chunk = 1000,
): Promise<Submission> {
  const startedAt = Date.now();
  const accepted: AcceptedOrder[] = [];
  const failedCalls: number[] = [];
  let rejected = 0;
  for (let i = 0; i < requests.length; i += chunk) {
    const sims = requests.slice(i, i + chunk).map(({ iccid, planId }) => ({ iccid, planId }));
    const response = await fetch(`${baseUrl}/v1/activations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': `bench-${startedAt}-${i}` },
      body: JSON.stringify({ sims }),
    });
    if (response.status !== 202) {
      failedCalls.push(response.status);
      await response.arrayBuffer();
      continue;
    }
    const body = (await response.json()) as { orders: AcceptedOrder[]; rejected: unknown[] };
    for (const { orderId, iccid } of body.orders) accepted.push({ orderId, iccid });
    rejected += body.rejected.length;
  }
  return { accepted, rejected, failedCalls, startedAt, endedAt: Date.now() };
}

/** The stored order, as much of it as the bench reads. */
export interface StoredOrder {
  orderId: string;
  iccid: string;
  status: 'RECEIVED' | 'ACTIVATING' | 'ACTIVE' | 'NEEDS_REVIEW' | 'COMPLETED' | 'FAILED';
  failure?: { code: string; detail: string };
  subscriptionId?: string;
  updatedAt: string;
  createdAt: string;
  timeline: { status: string; at: string; note?: string }[];
  attempts?: Record<string, number>;
}

export const FINAL = new Set(['COMPLETED', 'FAILED', 'NEEDS_REVIEW']);

/** Reads orders straight from the orders table (BatchGetItem, 100 keys a call): what the API would answer. */
export class OrderReader {
  private readonly client: DynamoDBDocumentClient;

  constructor(private readonly stack: LocalStack) {
    const client = new DynamoDBClient({
      region: 'us-east-1',
      endpoint: stack.endpoints.dynamodb,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    // The bench's reads are not the system's: left out of the emulators' counts (the cost figures).
    client.middlewareStack.add(
      (next) => (args) => {
        const { headers } = args.request as { headers?: Record<string, string> };
        if (headers) headers[UNCOUNTED_HEADER] = '1';
        return next(args);
      },
      { step: 'build', name: 'benchUncounted' },
    );
    this.client = DynamoDBDocumentClient.from(client);
  }

  /** The orders found; an id missing from the result has no record. */
  async read(orderIds: readonly string[]): Promise<Map<string, StoredOrder>> {
    const table = this.stack.resources.tables.orders;
    const found = new Map<string, StoredOrder>();
    for (let i = 0; i < orderIds.length; i += 100) {
      let keys: Record<string, unknown>[] = orderIds.slice(i, i + 100).map((orderId) => ({ orderId }));
      for (let attempt = 0; keys.length > 0 && attempt < 10; attempt++) {
        const { Responses, UnprocessedKeys } = await this.client.send(
          new BatchGetCommand({ RequestItems: { [table]: { Keys: keys, ConsistentRead: true } } }),
        );
        for (const item of Responses?.[table] ?? []) {
          const order = item as StoredOrder;
          found.set(order.orderId, order);
        }
        keys = (UnprocessedKeys?.[table]?.Keys as Record<string, unknown>[] | undefined) ?? [];
      }
    }
    return found;
  }

  destroy(): void {
    this.client.destroy();
  }
}

export interface Census {
  byStatus: Record<string, number>;
  missing: string[];
  pending: string[];
  orders: Map<string, StoredOrder>;
}

export async function census(reader: OrderReader, orderIds: readonly string[]): Promise<Census> {
  const orders = await reader.read(orderIds);
  const byStatus: Record<string, number> = {};
  const missing: string[] = [];
  const pending: string[] = [];
  for (const orderId of orderIds) {
    const order = orders.get(orderId);
    if (!order) {
      missing.push(orderId);
      continue;
    }
    byStatus[order.status] = (byStatus[order.status] ?? 0) + 1;
    if (!FINAL.has(order.status)) pending.push(orderId);
  }
  return { byStatus, missing, pending, orders };
}

export interface DeadLetter {
  queue: QueueName;
  body: string;
  receiveCount: number;
}

/** Empties every DLQ of the stack and returns what was in it. */
export async function drainDeadLetters(stack: LocalStack): Promise<DeadLetter[]> {
  const sqs = new SQSClient({
    region: 'us-east-1',
    endpoint: stack.endpoints.sqs,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const letters: DeadLetter[] = [];
  try {
    for (const [queue, url] of Object.entries(stack.dlqUrls) as [QueueName, string][]) {
      for (;;) {
        const { Messages = [] } = await sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: url,
            MaxNumberOfMessages: 10,
            WaitTimeSeconds: 0,
            VisibilityTimeout: 60,
            MessageSystemAttributeNames: ['ApproximateReceiveCount'],
          }),
        );
        if (Messages.length === 0) break;
        for (const message of Messages) {
          letters.push({
            queue,
            body: message.Body ?? '',
            receiveCount: Number(message.Attributes?.ApproximateReceiveCount ?? 0),
          });
        }
        await sqs.send(
          new DeleteMessageBatchCommand({
            QueueUrl: url,
            Entries: Messages.map((message, index) => ({
              Id: String(index),
              ReceiptHandle: message.ReceiptHandle ?? '',
            })),
          }),
        );
      }
    }
  } finally {
    sqs.destroy();
  }
  return letters;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
