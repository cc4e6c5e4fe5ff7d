import { type DynamoDBDocumentClient, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import {
  type ChainMark,
  emptyTally,
  type ItemTally,
  type JobItem,
  type SettleOutcome,
  tallyItem,
} from '../jobs/job.js';
import { isConditionalCheckFailure, stripUndefined } from './dynamo-support.js';

/**
 * The conditional writes of a job's run (dynamo-job-store.ts): an item's claim, release, settling and count mark,
 * and the job's chain position; and the tally of its items.
 */

export const ITEM_PREFIX = 'item#';
export const itemKey = (jobId: string, iccid: string) => ({ pk: jobId, sk: `${ITEM_PREFIX}${iccid}` });

export function toItem(item: Record<string, unknown>): JobItem {
  const { pk: _pk, sk: _sk, expiresAt: _expires, ...jobItem } = item;
  return jobItem as unknown as JobItem;
}

export async function claimItem(
  client: DynamoDBDocumentClient,
  table: string,

  jobId: string,
  iccid: string,
  claim: { token: string; at: Date; staleBefore: Date },
): Promise<JobItem | undefined> {
  try {
    const { Attributes } = await client.send(
      new UpdateCommand({
        TableName: table,
        Key: itemKey(jobId, iccid),
        UpdateExpression: 'SET #status = :running, claimToken = :token, claimedAt = :at, updatedAt = :at',
        ConditionExpression:
          'attribute_exists(pk) AND (#status = :pending OR (#status = :running AND claimedAt < :stale))',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':running': 'RUNNING',
          ':pending': 'PENDING',
          ':token': claim.token,
          ':at': claim.at.toISOString(),
          ':stale': claim.staleBefore.toISOString(),
        },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return Attributes ? toItem(Attributes) : undefined;
  } catch (error) {
    if (isConditionalCheckFailure(error)) return undefined;
    throw error;
  }
}

export async function releaseItem(
  client: DynamoDBDocumentClient,
  table: string,
  jobId: string,
  iccid: string,
  token: string,
  now: Date,
): Promise<boolean> {
  try {
    await client.send(
      new UpdateCommand({
        TableName: table,
        Key: itemKey(jobId, iccid),
        UpdateExpression: 'SET #status = :pending, updatedAt = :now REMOVE claimToken, claimedAt',
        ConditionExpression: '#status = :running AND claimToken = :token',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':pending': 'PENDING',
          ':running': 'RUNNING',
          ':token': token,
          ':now': now.toISOString(),
        },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionalCheckFailure(error)) return false;
    throw error;
  }
}

export async function settleItem(
  client: DynamoDBDocumentClient,
  table: string,

  jobId: string,
  iccid: string,
  outcome: SettleOutcome,
  now: Date,
): Promise<boolean> {
  const { status, token, ...details } = outcome;
  const fields = Object.entries(stripUndefined(details));
  const names: Record<string, string> = { '#status': 'status' };
  const values: Record<string, unknown> = { ':status': status, ':now': now.toISOString() };
  const sets = ['#status = :status', 'updatedAt = :now'];
  fields.forEach(([name, value], index) => {
    names[`#d${index}`] = name;
    values[`:d${index}`] = value;
    sets.push(`#d${index} = :d${index}`);
  });
  let condition: string;
  if (token === undefined) {
    values[':pending'] = 'PENDING';
    condition = '#status = :pending';
  } else {
    values[':running'] = 'RUNNING';
    values[':token'] = token;
    condition = '#status = :running AND claimToken = :token';
  }
  try {
    await client.send(
      new UpdateCommand({
        TableName: table,
        Key: itemKey(jobId, iccid),
        UpdateExpression: `SET ${sets.join(', ')}`,
        ConditionExpression: condition,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
    return true;
  } catch (error) {
    if (isConditionalCheckFailure(error)) return false;
    throw error;
  }
}

/** Marks a settled item counted; false when another delivery did (or it is not in that status any more). */
export async function markCounted(
  client: DynamoDBDocumentClient,
  table: string,
  jobId: string,
  item: JobItem,
): Promise<boolean> {
  try {
    await client.send(
      new UpdateCommand({
        TableName: table,
        Key: itemKey(jobId, item.iccid),
        UpdateExpression: 'SET counted = :true',
        ConditionExpression: 'attribute_not_exists(counted) AND #status = :status',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':true': true, ':status': item.status },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionalCheckFailure(error)) return false;
    throw error;
  }
}

/** Best effort: takes a mark back after the job's count failed, so that a later delivery counts the item. */
export async function unmarkCounted(
  client: DynamoDBDocumentClient,
  table: string,
  jobId: string,
  iccid: string,
): Promise<void> {
  await client
    .send(
      new UpdateCommand({ TableName: table, Key: itemKey(jobId, iccid), UpdateExpression: 'REMOVE counted' }),
    )
    .catch(() => undefined);
}

/** Moves the job's chain (`cursor`, `cursorBy`) from one mark to another, when it is still at the first. */
export async function advanceChain(
  client: DynamoDBDocumentClient,
  table: string,
  key: { pk: string; sk: string },
  from: ChainMark,
  to: ChainMark,
): Promise<boolean> {
  const values: Record<string, unknown> = { ':from': from.cursor, ':to': to.cursor };
  if (from.by !== undefined) values[':fromBy'] = from.by;
  if (to.by !== undefined) values[':toBy'] = to.by;
  try {
    await client.send(
      new UpdateCommand({
        TableName: table,
        Key: key,
        UpdateExpression: `SET #cursor = :to ${to.by === undefined ? 'REMOVE cursorBy' : ', cursorBy = :toBy'}`,
        ConditionExpression: `#cursor = :from AND ${from.by === undefined ? 'attribute_not_exists(cursorBy)' : 'cursorBy = :fromBy'}`,
        ExpressionAttributeNames: { '#cursor': 'cursor' },
        ExpressionAttributeValues: values,
      }),
    );
    return true;
  } catch (error) {
    if (isConditionalCheckFailure(error)) return false;
    throw error;
  }
}

/** The job's items by status and what is not counted yet (JobStore.tallyItems): every item read. */
export async function tallyItems(
  client: DynamoDBDocumentClient,
  table: string,
  jobId: string,
): Promise<ItemTally> {
  const tally = emptyTally();
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await client.send(
      new QueryCommand({
        TableName: table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ProjectionExpression: '#status, #counted',
        ExpressionAttributeNames: { '#status': 'status', '#counted': 'counted' },
        ExpressionAttributeValues: { ':pk': jobId, ':prefix': ITEM_PREFIX },
        ExclusiveStartKey: startKey,
        ConsistentRead: true,
      }),
    );
    for (const item of page.Items ?? []) {
      tallyItem(tally, { status: item.status as JobItem['status'], counted: item.counted === true });
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return tally;
}
