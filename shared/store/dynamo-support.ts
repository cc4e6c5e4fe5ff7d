import { setTimeout as sleep } from 'node:timers/promises';
import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export function isConditionalCheckFailure(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}

/** Deep copy without `undefined` properties, which DynamoDB cannot store. */
export function stripUndefined<T>(value: T): T {
  if (Array.isArray(value)) return value.map((item: unknown) => stripUndefined(item)) as T;
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, field]) => field !== undefined)
        .map(([key, field]) => [key, stripUndefined(field)]),
    ) as T;
  }
  return value;
}

export class BatchWriteIncompleteError extends Error {
  override readonly name = 'BatchWriteIncompleteError';

  constructor(readonly unprocessedCount: number) {
    super(`${unprocessedCount} items were still unprocessed after retries`);
  }
}

const maxItemsPerBatch = 25;

export interface WriteInBatchesOptions {
  concurrency?: number;
  maxAttempts?: number;
  baseDelayMs?: number;
}

type PutsByTable = Record<string, { PutRequest: { Item: Record<string, unknown> } }[]>;

/**
 * One BatchWriteItem of unconditional puts, to one table or several (at most 25 items in all), retrying what
 * DynamoDB leaves unprocessed.
 */
export async function putInOneBatch(
  client: DynamoDBDocumentClient,
  itemsByTable: Readonly<Record<string, readonly Record<string, unknown>[]>>,
  { maxAttempts = 8, baseDelayMs = 50 }: WriteInBatchesOptions = {},
): Promise<void> {
  let pending: PutsByTable = Object.fromEntries(
    Object.entries(itemsByTable).map(([table, items]) => [
      table,
      items.map((Item) => ({ PutRequest: { Item } })),
    ]),
  );
  const count = (requests: PutsByTable) =>
    Object.values(requests).reduce((sum, puts) => sum + puts.length, 0);
  for (let attempt = 1; count(pending) > 0; attempt += 1) {
    if (attempt > maxAttempts) throw new BatchWriteIncompleteError(count(pending));
    if (attempt > 1) {
      // Unprocessed items mean throttling: back off exponentially, with full jitter.
      await sleep(Math.random() * Math.min(2_000, baseDelayMs * 2 ** (attempt - 1)));
    }
    const { UnprocessedItems = {} } = await client.send(new BatchWriteCommand({ RequestItems: pending }));
    pending = Object.fromEntries(
      Object.entries(UnprocessedItems).map(([table, requests]) => [
        table,
        requests.flatMap((request) =>
          request.PutRequest?.Item ? [{ PutRequest: { Item: request.PutRequest.Item } }] : [],
        ),
      ]),
    );
  }
}

/** Puts all items with BatchWriteItem (25 per call, a few calls in flight), retrying unprocessed items. */
export async function writeInBatches(
  client: DynamoDBDocumentClient,
  tableName: string,
  items: readonly Record<string, unknown>[],
  options: WriteInBatchesOptions = {},
): Promise<void> {
  const batches: Record<string, unknown>[][] = [];
  for (let start = 0; start < items.length; start += maxItemsPerBatch) {
    batches.push(items.slice(start, start + maxItemsPerBatch));
  }
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < batches.length) {
      const batch = batches[next];
      next += 1;
      if (batch) await putInOneBatch(client, { [tableName]: batch }, options);
    }
  };
  const workers = Math.max(1, Math.min(options.concurrency ?? 4, batches.length));
  await Promise.all(Array.from({ length: workers }, worker));
}
