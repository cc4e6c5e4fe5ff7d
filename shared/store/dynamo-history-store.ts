import { type DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionalCheckFailure, stripUndefined, writeInBatches } from './dynamo-support.js';
import {
  type HistoryEntry,
  type HistoryPage,
  type HistoryQuery,
  type HistoryStore,
  historyEntrySchema,
} from './history.js';
import { readRange, toPage, toStored } from './history-query.js';
import type { TableDefinition } from './table-definition.js';

/**
 * A SIM's history: partition `iccid`, sort key `sk` = `<at>#<id>` (`at` canonical, so a descending Query reads
 * newest first and a time window is a key condition), expired by DynamoDB at `expiresAt` (at + the stage's
 * retention).
 */
export const historyTableDefinition = {
  partitionKey: { name: 'iccid', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
  globalSecondaryIndexes: [],
  timeToLiveAttribute: 'expiresAt',
} as const satisfies TableDefinition;

export interface DynamoHistoryStoreOptions {
  client: DynamoDBDocumentClient;
  tableName: string;
  /** Days an entry is kept: DynamoDB TTL deletes it some time after; reads hide it from then on. */
  retentionDays: number;
  /** Conditional puts in flight at once during an `append` of many entries. */
  concurrency?: number;
  clock?: () => Date;
}

/** An entry as the table holds it: its fields, sort key and expiry. */
export function historyItem(entry: HistoryEntry, retentionDays: number): Record<string, unknown> {
  const { sk, expiresAt, entry: stored } = toStored(entry, retentionDays);
  return stripUndefined({ ...stored, sk, expiresAt });
}

function parseStoredEntry(item: Record<string, unknown>): HistoryEntry {
  const { sk: _sk, expiresAt: _expiresAt, ...fields } = item;
  const parsed = historyEntrySchema.safeParse(fields);
  if (parsed.success) return parsed.data;
  const paths = parsed.error.issues.map((issue) => issue.path.join('.')).join(', ');
  throw new Error(`Stored history entry ${String(item.iccid)} ${String(item.sk)} is invalid (${paths})`);
}

export class DynamoHistoryStore implements HistoryStore {
  readonly #client: DynamoDBDocumentClient;
  readonly #tableName: string;
  readonly #retentionDays: number;
  readonly #concurrency: number;
  readonly #clock: () => Date;

  constructor(options: DynamoHistoryStoreOptions) {
    this.#client = options.client;
    this.#tableName = options.tableName;
    this.#retentionDays = options.retentionDays;
    this.#concurrency = options.concurrency ?? 16;
    this.#clock = options.clock ?? (() => new Date());
  }

  /** One conditional put per entry: an entry already there (same iccid, at and id) is left as it is. */
  async append(entries: readonly HistoryEntry[]): Promise<void> {
    const items = entries.map((entry) => historyItem(entry, this.#retentionDays));
    let next = 0;
    const worker = async () => {
      while (next < items.length) {
        const item = items[next] as Record<string, unknown>;
        next += 1;
        await this.#putOnce(item);
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.#concurrency, items.length) }, worker));
  }

  async appendNew(entries: readonly HistoryEntry[]): Promise<void> {
    const items = entries.map((entry) => historyItem(entry, this.#retentionDays));
    await writeInBatches(this.#client, this.#tableName, items, { concurrency: this.#concurrency });
  }

  async #putOnce(item: Record<string, unknown>): Promise<void> {
    try {
      await this.#client.send(
        new PutCommand({
          TableName: this.#tableName,
          Item: item,
          ConditionExpression: 'attribute_not_exists(#sk)',
          ExpressionAttributeNames: { '#sk': 'sk' },
        }),
      );
    } catch (error) {
      if (!isConditionalCheckFailure(error)) throw error;
    }
  }

  async list(iccid: string, query: HistoryQuery): Promise<HistoryPage> {
    const range = readRange(query);
    if (range.empty) return { entries: [] };

    const names: Record<string, string> = { '#iccid': 'iccid', '#expiresAt': 'expiresAt' };
    const values: Record<string, unknown> = {
      ':iccid': iccid,
      ':now': Math.floor(this.#clock().getTime() / 1000),
    };
    let keyCondition = '#iccid = :iccid';
    if (range.lowest !== undefined || range.below !== undefined) names['#sk'] = 'sk';
    if (range.lowest !== undefined && range.below !== undefined) {
      // BETWEEN is inclusive: the one key equal to `below` (a cursor's entry) is dropped below.
      keyCondition += ' AND #sk BETWEEN :lowest AND :below';
      Object.assign(values, { ':lowest': range.lowest, ':below': range.below });
    } else if (range.lowest !== undefined) {
      keyCondition += ' AND #sk >= :lowest';
      values[':lowest'] = range.lowest;
    } else if (range.below !== undefined) {
      keyCondition += ' AND #sk < :below';
      values[':below'] = range.below;
    }
    // Expired items linger until DynamoDB's TTL sweep gets to them.
    const filters = ['#expiresAt > :now'];
    if (range.types !== undefined) {
      names['#type'] = 'type';
      const placeholders = [...range.types].map((type, index) => {
        values[`:type${index}`] = type;
        return `:type${index}`;
      });
      filters.push(`#type IN (${placeholders.join(', ')})`);
    }

    const entries: HistoryEntry[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.#client.send(
        new QueryCommand({
          TableName: this.#tableName,
          KeyConditionExpression: keyCondition,
          FilterExpression: filters.join(' AND '),
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ScanIndexForward: false,
          // One more than a page says whether there is more; one more again for a BETWEEN's dropped key.
          Limit: range.limit + 2,
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) {
        if (item.sk === range.below) continue;
        entries.push(parseStoredEntry(item));
        if (entries.length > range.limit) break;
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey && entries.length <= range.limit);
    return toPage(entries, range.limit);
  }
}
