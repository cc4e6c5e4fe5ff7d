/**
 * Idempotency records for the public API's `Idempotency-Key` header: the first request stores
 * `key -> (request hash, order ids chosen up front)` in one conditional put, and every later request with the
 * key (concurrent, after a crash, after a client timeout) finishes the same orders; another body under the
 * key is a 409. Why not Powertools idempotency: docs/design.md. Expiry is checked on every read, since
 * DynamoDB's TTL deletes late (dynalite never): an expired record is overwritten by the next claim.
 */
import { createHash } from 'node:crypto';
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import * as z from '../zod.js';
import { isConditionalCheckFailure, stripUndefined } from './dynamo-support.js';
import { idempotencyKeySchema } from './idempotency-key.js';
import { idempotencyTableDefinition } from './idempotency-table.js';

export { idempotencyTableDefinition };

export const defaultIdempotencyTtlSeconds = 24 * 60 * 60;

export { idempotencyKeySchema };

const scopeSchema = z.string().check(z.regex(/^[a-z][a-z0-9-]{0,63}$/, 'must be a lowercase slug'));

export interface IdempotencyRecord<Result> {
  /** What the key protects, e.g. `sim-activation` or `bulk-activation`: the same key may be reused across scopes. */
  scope: string;
  key: string;
  requestHash: string;
  result: Result;
  createdAt: string;
  /** Epoch seconds; DynamoDB TTL deletes the item some time after. */
  expiresAt: number;
}

export type IdempotencyClaim<Result> =
  /** First use of the key: go ahead with `record.result`. */
  | { status: 'claimed'; record: IdempotencyRecord<Result> }
  /** Same key, same request: answer with (and finish) the stored result. */
  | { status: 'replayed'; record: IdempotencyRecord<Result> }
  /** Same key, another request: 409. */
  | { status: 'conflict'; existing: Omit<IdempotencyRecord<unknown>, 'result'> };

export interface ClaimRequest<Result> {
  scope: string;
  key: string;
  requestHash: string;
  /** What to remember for this key, decided before any side effect (e.g. the order ids). */
  result: Result;
  /** Validates the stored result on replay. */
  resultSchema: z.core.$ZodType<Result>;
  ttlSeconds?: number;
  now?: Date;
}

export interface IdempotencyStore {
  claim<Result>(request: ClaimRequest<Result>): Promise<IdempotencyClaim<Result>>;
}

function canonicalJson(value: unknown): string {
  if (
    value !== null &&
    typeof value === 'object' &&
    'toJSON' in value &&
    typeof value.toJSON === 'function'
  ) {
    return canonicalJson(value.toJSON());
  }
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item ?? null)).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const fields = Object.entries(value)
      .filter(([, field]) => field !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, field]) => `${JSON.stringify(key)}:${canonicalJson(field)}`);
    return `{${fields.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * SHA-256 of the request's canonical JSON (object keys sorted), so the same request hashes the
 * same whatever the key order or whitespace. Hash the validated input, including path parameters.
 */
export function hashRequest(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex');
}

const storedRecordSchema = z.object({
  recordKey: z.string(),
  scope: z.string(),
  key: z.string(),
  requestHash: z.string(),
  result: z.unknown(),
  createdAt: z.string(),
  expiresAt: z.number(),
});

function recordKeyOf(scope: string, key: string): string {
  return `${scope}#${key}`;
}

function classify<Result>(
  stored: z.output<typeof storedRecordSchema>,
  request: ClaimRequest<Result>,
): IdempotencyClaim<Result> {
  const { recordKey: _recordKey, result, ...existing } = stored;
  if (stored.requestHash !== request.requestHash) return { status: 'conflict', existing };
  const parsed = z.safeParse(request.resultSchema, result);
  if (!parsed.success) {
    throw new Error(
      `Idempotency record ${request.scope}/${request.key} holds a result of an unexpected shape`,
    );
  }
  return { status: 'replayed', record: { ...existing, result: parsed.data } };
}

function newRecord<Result>(
  request: ClaimRequest<Result>,
  defaultTtlSeconds: number,
): IdempotencyRecord<Result> {
  scopeSchema.parse(request.scope);
  idempotencyKeySchema.parse(request.key);
  const now = request.now ?? new Date();
  return {
    scope: request.scope,
    key: request.key,
    requestHash: request.requestHash,
    result: request.result,
    createdAt: now.toISOString(),
    expiresAt: Math.floor(now.getTime() / 1000) + (request.ttlSeconds ?? defaultTtlSeconds),
  };
}

export interface DynamoIdempotencyStoreOptions {
  client: DynamoDBDocumentClient;
  tableName: string;
  defaultTtlSeconds?: number;
}

export class DynamoIdempotencyStore implements IdempotencyStore {
  readonly #client: DynamoDBDocumentClient;
  readonly #tableName: string;
  readonly #defaultTtlSeconds: number;

  constructor(options: DynamoIdempotencyStoreOptions) {
    this.#client = options.client;
    this.#tableName = options.tableName;
    this.#defaultTtlSeconds = options.defaultTtlSeconds ?? defaultIdempotencyTtlSeconds;
  }

  async claim<Result>(request: ClaimRequest<Result>): Promise<IdempotencyClaim<Result>> {
    const record = newRecord(request, this.#defaultTtlSeconds);
    const recordKey = recordKeyOf(record.scope, record.key);
    const nowSeconds = Math.floor((request.now ?? new Date()).getTime() / 1000);
    // A record that vanished between the failed put and the read (TTL) is claimed on the next round.
    for (let round = 0; round < 3; round += 1) {
      try {
        await this.#client.send(
          new PutCommand({
            TableName: this.#tableName,
            Item: stripUndefined({ recordKey, ...record }),
            ConditionExpression: 'attribute_not_exists(#recordKey) OR #expiresAt <= :now',
            ExpressionAttributeNames: { '#recordKey': 'recordKey', '#expiresAt': 'expiresAt' },
            ExpressionAttributeValues: { ':now': nowSeconds },
          }),
        );
        return { status: 'claimed', record };
      } catch (error) {
        if (!isConditionalCheckFailure(error)) throw error;
      }
      const { Item } = await this.#client.send(
        new GetCommand({ TableName: this.#tableName, Key: { recordKey }, ConsistentRead: true }),
      );
      if (Item) return classify(storedRecordSchema.parse(Item), request);
    }
    throw new Error(`Idempotency record ${request.scope}/${request.key} could not be claimed nor read`);
  }
}

/** Same semantics in memory, for unit tests of the API handlers. */
export class MemoryIdempotencyStore implements IdempotencyStore {
  readonly #records = new Map<string, z.output<typeof storedRecordSchema>>();
  readonly #defaultTtlSeconds: number;

  constructor(options: { defaultTtlSeconds?: number } = {}) {
    this.#defaultTtlSeconds = options.defaultTtlSeconds ?? defaultIdempotencyTtlSeconds;
  }

  async claim<Result>(request: ClaimRequest<Result>): Promise<IdempotencyClaim<Result>> {
    const record = newRecord(request, this.#defaultTtlSeconds);
    const recordKey = recordKeyOf(record.scope, record.key);
    const nowSeconds = Math.floor((request.now ?? new Date()).getTime() / 1000);
    const stored = this.#records.get(recordKey);
    if (stored && stored.expiresAt > nowSeconds) return classify(structuredClone(stored), request);
    this.#records.set(recordKey, structuredClone({ recordKey, ...record }));
    return { status: 'claimed', record };
  }
}
