import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { forEachConcurrently } from '../concurrency.js';
import {
  type ChainMark,
  type CountedJob,
  type ItemFields,
  type ItemPage,
  type ItemStatus,
  type ItemTally,
  isComplete,
  type Job,
  type JobItem,
  type JobMove,
  type JobStore,
  jobMoves,
} from '../jobs/job.js';
import {
  advanceChain,
  claimItem,
  ITEM_PREFIX,
  itemKey,
  markCounted,
  releaseItem,
  settleItem,
  tallyItems,
  toItem,
  unmarkCounted,
} from './dynamo-job-items.js';
import { isConditionalCheckFailure, stripUndefined } from './dynamo-support.js';
import type { TableDefinition } from './table-definition.js';

/**
 * The jobs table: a job is `pk = <jobId>`, `sk = "#job"`; each of its items `sk = "item#<iccid>"` beside it, so
 * that a job's items are one Query in ICCID order. Every row carries `expiresAt` (DynamoDB TTL, epoch seconds).
 */
export const jobsTableDefinition = {
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
  globalSecondaryIndexes: [],
  timeToLiveAttribute: 'expiresAt',
} as const satisfies TableDefinition;

/** Jobs and their items are kept this long after the job was created. */
export const JOB_RETENTION_DAYS = 90;

const JOB_SK = '#job';
const jobKey = (jobId: string) => ({ pk: jobId, sk: JOB_SK });

function expiresAt(createdAt: Date): number {
  return Math.floor(createdAt.getTime() / 1000) + JOB_RETENTION_DAYS * 86_400;
}

function toJob(item: Record<string, unknown>): Job {
  const { pk: _pk, sk: _sk, expiresAt: _expires, ...job } = item;
  return job as unknown as Job;
}

/** How many conditional item writes run at once. */
const WRITE_CONCURRENCY = 16;

export class DynamoJobStore implements JobStore {
  readonly #client: DynamoDBDocumentClient;
  readonly #table: string;

  constructor(options: { client: DynamoDBDocumentClient; tableName: string }) {
    this.#client = options.client;
    this.#table = options.tableName;
  }

  async putItems(
    jobId: string,
    items: readonly { iccid: string; fields?: ItemFields }[],
    now: Date,
  ): Promise<void> {
    const at = now.toISOString();
    await forEachConcurrently(items, WRITE_CONCURRENCY, async ({ iccid, fields }) => {
      try {
        await this.#client.send(
          new PutCommand({
            TableName: this.#table,
            Item: stripUndefined({
              ...itemKey(jobId, iccid),
              jobId,
              iccid,
              status: 'PENDING',
              fields,
              updatedAt: at,
              expiresAt: expiresAt(now),
            }),
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
      } catch (error) {
        if (!isConditionalCheckFailure(error)) throw error;
      }
    });
  }

  async create(job: Job): Promise<boolean> {
    try {
      await this.#client.send(
        new PutCommand({
          TableName: this.#table,
          Item: stripUndefined({
            ...jobKey(job.jobId),
            ...job,
            expiresAt: expiresAt(new Date(job.createdAt)),
          }),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailure(error)) return false;
      throw error;
    }
  }

  async get(jobId: string): Promise<Job | undefined> {
    const { Item } = await this.#client.send(
      new GetCommand({ TableName: this.#table, Key: jobKey(jobId), ConsistentRead: true }),
    );
    return Item ? toJob(Item) : undefined;
  }

  async move(jobId: string, move: JobMove, set: Partial<Job>): Promise<Job | undefined> {
    const { from, to } = jobMoves[move];
    const fields = Object.entries(stripUndefined({ ...set, status: to }));
    const names: Record<string, string> = { '#status': 'status', '#pk': 'pk' };
    const values: Record<string, unknown> = {};
    from.forEach((status, index) => {
      values[`:from${index}`] = status;
    });
    const sets = fields.map(([name, value], index) => {
      names[`#f${index}`] = name;
      values[`:f${index}`] = value;
      return `#f${index} = :f${index}`;
    });
    try {
      const { Attributes } = await this.#client.send(
        new UpdateCommand({
          TableName: this.#table,
          Key: jobKey(jobId),
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression: `attribute_exists(#pk) AND #status IN (${from.map((_, index) => `:from${index}`).join(', ')})`,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_NEW',
        }),
      );
      return Attributes ? toJob(Attributes) : undefined;
    } catch (error) {
      if (isConditionalCheckFailure(error)) return undefined;
      throw error;
    }
  }

  advance(jobId: string, from: ChainMark, to: ChainMark): Promise<boolean> {
    return advanceChain(this.#client, this.#table, jobKey(jobId), from, to);
  }

  async resolved(jobId: string, total: number): Promise<boolean> {
    try {
      await this.#client.send(
        new UpdateCommand({
          TableName: this.#table,
          Key: jobKey(jobId),
          UpdateExpression: 'SET resolving = :false, #total = :total',
          ConditionExpression: 'resolving = :true',
          ExpressionAttributeNames: { '#total': 'total' },
          ExpressionAttributeValues: { ':false': false, ':true': true, ':total': total },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailure(error)) return false;
      throw error;
    }
  }

  async getItem(jobId: string, iccid: string): Promise<JobItem | undefined> {
    const { Item } = await this.#client.send(
      new GetCommand({ TableName: this.#table, Key: itemKey(jobId, iccid), ConsistentRead: true }),
    );
    return Item ? toItem(Item) : undefined;
  }

  async listItems(
    jobId: string,
    options: { after?: string | undefined; status?: ItemStatus | undefined; limit: number },
  ): Promise<ItemPage> {
    const items: JobItem[] = [];
    let startKey: Record<string, unknown> | undefined =
      options.after === undefined ? undefined : itemKey(jobId, options.after);
    do {
      const page = await this.#client.send(
        new QueryCommand({
          TableName: this.#table,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ...(options.status === undefined
            ? { ExpressionAttributeValues: { ':pk': jobId, ':prefix': ITEM_PREFIX } }
            : {
                FilterExpression: '#status = :status',
                ExpressionAttributeNames: { '#status': 'status' },
                ExpressionAttributeValues: {
                  ':pk': jobId,
                  ':prefix': ITEM_PREFIX,
                  ':status': options.status,
                },
              }),
          ExclusiveStartKey: startKey,
          Limit: options.limit - items.length,
          ConsistentRead: true,
        }),
      );
      for (const item of page.Items ?? []) items.push(toItem(item));
      startKey = page.LastEvaluatedKey;
    } while (startKey && items.length < options.limit);
    const lastSk = startKey?.sk;
    return {
      items,
      ...(typeof lastSk === 'string' ? { after: lastSk.slice(ITEM_PREFIX.length) } : {}),
    };
  }

  async countItems(jobId: string): Promise<number> {
    // A COUNT query reads (and is charged for) the same items as the tally.
    return (await this.tallyItems(jobId)).items;
  }

  tallyItems(jobId: string): Promise<ItemTally> {
    return tallyItems(this.#client, this.#table, jobId);
  }

  claimItem(
    jobId: string,
    iccid: string,
    claim: { token: string; at: Date; staleBefore: Date },
  ): Promise<JobItem | undefined> {
    return claimItem(this.#client, this.#table, jobId, iccid, claim);
  }

  releaseItem(jobId: string, iccid: string, token: string, now: Date): Promise<boolean> {
    return releaseItem(this.#client, this.#table, jobId, iccid, token, now);
  }

  settleItem(...args: Parameters<JobStore['settleItem']>): Promise<boolean> {
    return settleItem(this.#client, this.#table, ...args);
  }

  /**
   * The item's mark first (a conditional write: of two deliveries counting one item, one only wins), then the
   * job's count. A failed count takes the mark back, so that the next delivery counts the item; only a worker
   * killed between the two writes leaves the count one short, until the job's check (runner.ts) sets the counts
   * from the items. DynamoDB transactions would close that gap, but the local emulator has none.
   */
  async countItem(jobId: string, item: JobItem, now: Date): Promise<CountedJob | undefined> {
    if (item.counted || item.status === 'PENDING' || item.status === 'RUNNING') return undefined;
    const counter = item.status === 'DONE' ? 'done' : item.status === 'FAILED' ? 'failed' : 'cancelled';
    if (!(await markCounted(this.#client, this.#table, jobId, item))) return undefined;
    let Attributes: Record<string, unknown> | undefined;
    try {
      ({ Attributes } = await this.#client.send(
        new UpdateCommand({
          TableName: this.#table,
          Key: jobKey(jobId),
          UpdateExpression: 'ADD #counter :one',
          // A job the check finished (runner.ts) has its counts from its items already, this one included.
          ConditionExpression: 'attribute_exists(pk) AND #status <> :done',
          ExpressionAttributeNames: { '#counter': counter, '#status': 'status' },
          ExpressionAttributeValues: { ':one': 1, ':done': 'DONE' },
          ReturnValues: 'ALL_NEW',
        }),
      ));
    } catch (error) {
      if (isConditionalCheckFailure(error)) return undefined;
      await unmarkCounted(this.#client, this.#table, jobId, item.iccid);
      throw error;
    }
    if (!Attributes) return undefined;
    const job = toJob(Attributes);
    if (job.status !== 'RUNNING' || !isComplete(job)) return { job, finished: false };
    const finished = await this.move(jobId, 'finish', { finishedAt: now.toISOString() });
    return finished ? { job: finished, finished: true } : { job, finished: false };
  }
}
