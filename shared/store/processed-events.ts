/**
 * Claims that have an event acted on once however often it comes: the events worker's Transatel event ids,
 * the policy engine's trigger occurrences. Powertools idempotency's protocol (an in-progress record with a
 * lease, completed afterwards, deleted when processing fails), written out on the document client the
 * worker already carries rather than bundling that package (docs/design.md). Records share the idempotency
 * table with the API's `Idempotency-Key` records, under their own scope.
 */
import { DeleteCommand, type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import * as z from '../zod.js';
import { historyItem } from './dynamo-history-store.js';
import { isConditionalCheckFailure, putInOneBatch } from './dynamo-support.js';
import type { HistoryEntry, HistoryStore } from './history.js';
import { idempotencyTableDefinition } from './idempotency-table.js';

/** `claimed`: go ahead. `done`: processed before, drop it. `in-flight`: another copy holds a live lease. */
export type EventClaim = 'claimed' | 'done' | 'in-flight';

export interface ClaimEventRequest {
  eventId: string;
  now: Date;
  /** How long the claim excludes other copies: the invocation's remaining time. */
  leaseMs: number;
}

export interface ProcessedEventStore {
  claim(request: ClaimEventRequest): Promise<EventClaim>;
  /**
   * Remembers the event as processed for `memorySeconds` from `now`, and files `history` (the event's entries in
   * its SIM's history) in the same write.
   */
  complete(
    eventId: string,
    now: Date,
    memorySeconds: number,
    history?: readonly HistoryEntry[],
  ): Promise<void>;
  /** Gives a claimed event up (processing failed), so that the next delivery runs it at once. */
  release(eventId: string): Promise<void>;
  /** `complete` for many events in as few writes as the store allows; returns those it could not write. */
  completeMany(completions: readonly EventCompletion[]): Promise<EventCompletion[]>;
}

/** What `complete` is given, for an event whose completion waits (processEventOnce's `deferCompletion`). */
export interface EventCompletion {
  eventId: string;
  now: Date;
  memorySeconds: number;
  history: readonly HistoryEntry[];
}

const RECORD_SCOPE = 'transatel-event';
const keyName = idempotencyTableDefinition.partitionKey.name;
const expiryName = idempotencyTableDefinition.timeToLiveAttribute;

const storedEventSchema = z.object({
  status: z.enum(['IN_PROGRESS', 'COMPLETED']),
  /** Epoch ms: an IN_PROGRESS record past this is abandoned (its invocation died). */
  leaseUntil: z.optional(z.number()),
  /** Epoch seconds: DynamoDB TTL deletes the record some time after; checked on every read too. */
  expiresAt: z.number(),
});
type StoredEvent = z.output<typeof storedEventSchema>;

function recordKey(eventId: string): string {
  return `${RECORD_SCOPE}#${eventId}`;
}

const epochSeconds = (date: Date) => Math.floor(date.getTime() / 1000);

/** An abandoned claim is taken over once its lease ends; TTL removes it a day later. */
const IN_PROGRESS_RECORD_SECONDS = 24 * 3600;

function inProgress({ now, leaseMs }: ClaimEventRequest): StoredEvent {
  return {
    status: 'IN_PROGRESS',
    leaseUntil: now.getTime() + leaseMs,
    expiresAt: epochSeconds(now) + IN_PROGRESS_RECORD_SECONDS,
  };
}

function completed(now: Date, memorySeconds: number): StoredEvent {
  return { status: 'COMPLETED', expiresAt: epochSeconds(now) + memorySeconds };
}

function completedItem({ eventId, now, memorySeconds }: Omit<EventCompletion, 'history'>) {
  return { [keyName]: recordKey(eventId), ...completed(now, memorySeconds) };
}

/** BatchWriteItem's most items a request. */
const BATCH_WRITE_ITEMS = 25;

/** Completions grouped so that each group's records and history entries fit one BatchWriteItem. */
function inWriteBatches(completions: readonly EventCompletion[]): EventCompletion[][] {
  const batches: EventCompletion[][] = [];
  let items = BATCH_WRITE_ITEMS;
  for (const completion of completions) {
    const size = 1 + completion.history.length;
    if (items + size > BATCH_WRITE_ITEMS) {
      batches.push([]);
      items = 0;
    }
    batches.at(-1)?.push(completion);
    items += size;
  }
  return batches;
}

/** What a record found in place of a claim means for the claimant at `now`. */
function claimOver(stored: StoredEvent | undefined, now: Date): EventClaim | 'free' {
  if (!stored || stored.expiresAt <= epochSeconds(now)) return 'free';
  if (stored.status === 'COMPLETED') return 'done';
  return (stored.leaseUntil ?? 0) > now.getTime() ? 'in-flight' : 'free';
}

export interface DynamoProcessedEventStoreOptions {
  client: DynamoDBDocumentClient;
  tableName: string;
  /** The SIMs' history table, for completions that file entries (the events worker's). */
  history?: { tableName: string; retentionDays: number };
}

export class DynamoProcessedEventStore implements ProcessedEventStore {
  constructor(private readonly options: DynamoProcessedEventStoreOptions) {}

  async claim(request: ClaimEventRequest): Promise<EventClaim> {
    const key = recordKey(request.eventId);
    // A record that vanished or went stale between the failed put and the read is claimed on the next round.
    for (let round = 0; round < 3; round += 1) {
      try {
        await this.options.client.send(
          new PutCommand({
            TableName: this.options.tableName,
            Item: { [keyName]: key, ...inProgress(request) },
            ConditionExpression:
              'attribute_not_exists(#key) OR #expiresAt <= :nowSeconds OR (#status = :inProgress AND #leaseUntil <= :nowMs)',
            ExpressionAttributeNames: {
              '#key': keyName,
              '#expiresAt': expiryName,
              '#status': 'status',
              '#leaseUntil': 'leaseUntil',
            },
            ExpressionAttributeValues: {
              ':nowSeconds': epochSeconds(request.now),
              ':nowMs': request.now.getTime(),
              ':inProgress': 'IN_PROGRESS',
            },
          }),
        );
        return 'claimed';
      } catch (error) {
        if (!isConditionalCheckFailure(error)) throw error;
      }
      const { Item } = await this.options.client.send(
        new GetCommand({ TableName: this.options.tableName, Key: { [keyName]: key }, ConsistentRead: true }),
      );
      const claim = claimOver(Item && storedEventSchema.parse(Item), request.now);
      if (claim !== 'free') return claim;
    }
    throw new Error(`Event ${request.eventId} could not be claimed nor read`);
  }

  async complete(
    eventId: string,
    now: Date,
    memorySeconds: number,
    history: readonly HistoryEntry[] = [],
  ): Promise<void> {
    await this.#writeCompletions([{ eventId, now, memorySeconds, history }]);
  }

  async completeMany(completions: readonly EventCompletion[]): Promise<EventCompletion[]> {
    const failed: EventCompletion[] = [];
    for (const chunk of inWriteBatches(completions)) {
      await this.#writeCompletions(chunk).catch(() => failed.push(...chunk));
    }
    return failed;
  }

  /**
   * One BatchWriteItem for the events' records and history entries (at most 25 items). A history entry's key is
   * the SIM, the instant and the event id, so writing it again (the event redelivered after a failure here)
   * stores the same item.
   */
  async #writeCompletions(completions: readonly EventCompletion[]): Promise<void> {
    const { client, tableName, history: historyTable } = this.options;
    const itemsByTable: Record<string, Record<string, unknown>[]> = {
      [tableName]: completions.map(completedItem),
    };
    const history = completions.flatMap((completion) => completion.history);
    if (history.length > 0) {
      if (!historyTable) throw new Error('This processed-event store was given no history table');
      itemsByTable[historyTable.tableName] = history.map((entry) =>
        historyItem(entry, historyTable.retentionDays),
      );
    }
    await putInOneBatch(client, itemsByTable);
  }

  async release(eventId: string): Promise<void> {
    try {
      await this.options.client.send(
        new DeleteCommand({
          TableName: this.options.tableName,
          Key: { [keyName]: recordKey(eventId) },
          ConditionExpression: '#status = :inProgress',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':inProgress': 'IN_PROGRESS' },
        }),
      );
    } catch (error) {
      // Already gone, or completed by a copy that took over the lease: nothing to give up.
      if (!isConditionalCheckFailure(error)) throw error;
    }
  }
}

/** Same semantics in memory: unit tests and the contract tests' reference. */
export class MemoryProcessedEventStore implements ProcessedEventStore {
  readonly #records = new Map<string, StoredEvent>();

  /** `history`: where completions file their entries. */
  constructor(private readonly history?: HistoryStore) {}

  async claim(request: ClaimEventRequest): Promise<EventClaim> {
    const claim = claimOver(this.#records.get(request.eventId), request.now);
    if (claim !== 'free') return claim;
    this.#records.set(request.eventId, inProgress(request));
    return 'claimed';
  }

  async complete(
    eventId: string,
    now: Date,
    memorySeconds: number,
    history: readonly HistoryEntry[] = [],
  ): Promise<void> {
    if (history.length > 0) {
      if (!this.history) throw new Error('This processed-event store was given no history store');
      await this.history.append(history);
    }
    this.#records.set(eventId, completed(now, memorySeconds));
  }

  async release(eventId: string): Promise<void> {
    if (this.#records.get(eventId)?.status === 'IN_PROGRESS') this.#records.delete(eventId);
  }

  async completeMany(completions: readonly EventCompletion[]): Promise<EventCompletion[]> {
    for (const { eventId, now, memorySeconds, history } of completions)
      await this.complete(eventId, now, memorySeconds, history);
    return [];
  }
}

export interface ProcessOnceRequest<Result> {
  eventId: string;
  leaseMs: number;
  memorySeconds: number;
  clock?: () => Date;
  /** History entries the result files with the completion (one write for both). */
  historyOf?: (result: Result) => readonly HistoryEntry[];
  /**
   * Takes the completion to write later, with others (an outbox's `afterSends` entries); false: written now.
   * Until it is written the claim stands, and a copy of the event delivered meanwhile is retried later.
   */
  deferCompletion?: (completion: EventCompletion) => boolean;
}

/**
 * Runs `process` for an event unless it was processed before (`duplicate`) or another copy is being
 * processed now (`in-flight`: the caller retries later). A failure releases the claim and is rethrown.
 */
export async function processEventOnce<Result>(
  store: ProcessedEventStore,
  request: ProcessOnceRequest<Result>,
  process: () => Promise<Result>,
): Promise<{ outcome: 'processed'; result: Result } | { outcome: 'duplicate' | 'in-flight' }> {
  const clock = request.clock ?? (() => new Date());
  const claim = await store.claim({ eventId: request.eventId, now: clock(), leaseMs: request.leaseMs });
  if (claim === 'done') return { outcome: 'duplicate' };
  if (claim === 'in-flight') return { outcome: 'in-flight' };
  let result: Result;
  try {
    result = await process();
  } catch (error) {
    await store.release(request.eventId);
    throw error;
  }
  const completion: EventCompletion = {
    eventId: request.eventId,
    now: clock(),
    memorySeconds: request.memorySeconds,
    history: request.historyOf?.(result) ?? [],
  };
  if (!request.deferCompletion?.(completion))
    await store.complete(completion.eventId, completion.now, completion.memorySeconds, completion.history);
  return { outcome: 'processed', result };
}
