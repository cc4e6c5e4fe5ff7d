import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { isConditionalCheckFailure, stripUndefined } from './dynamo-support.js';
import { type Policy, type PolicyDefinition, type PolicyStore, policySchema } from './policy.js';
import { toPolicy } from './policy-records.js';
import type { TableDefinition } from './table-definition.js';

/**
 * The policies table, shared with the policy engine: generic keys, so that the engine keeps its own items
 * (its ledger) beside the policies. A policy is `pk = "policy"`, `sk = <policyId>`, its fields as attributes,
 * so listing the policies is one Query, never a Scan. Every other `pk` is the engine's, and only its items
 * carry `expiresAt` (epoch seconds, DynamoDB's TTL); a policy never expires.
 */
export const policiesTableDefinition = {
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
  globalSecondaryIndexes: [],
  timeToLiveAttribute: 'expiresAt',
} as const satisfies TableDefinition;

/** The partition of the policies; the adapter reads and writes no other. */
export const POLICY_PARTITION = 'policy';

export function policyKey(policyId: string): { pk: string; sk: string } {
  return { pk: POLICY_PARTITION, sk: policyId };
}

/** The top-level fields of a policy, read from a stored item; any other attribute is left out. */
const policyFields = Object.keys(policySchema.shape);

function parseStoredPolicy(item: Record<string, unknown>): Policy {
  const fields = Object.fromEntries(
    policyFields.filter((name) => name in item).map((name) => [name, item[name]]),
  );
  const parsed = policySchema.safeParse(fields);
  if (parsed.success) return parsed.data;
  const paths = parsed.error.issues.map((issue) => issue.path.join('.')).join(', ');
  throw new Error(`Stored policy ${String(item.sk)} is invalid (${paths})`);
}

/** A create and a replace can each lose a race with a delete or a create: this many tries, then an error. */
const MAX_PUT_ATTEMPTS = 5;

export interface DynamoPolicyStoreOptions {
  client: DynamoDBDocumentClient;
  tableName: string;
}

export class DynamoPolicyStore implements PolicyStore {
  readonly #client: DynamoDBDocumentClient;
  readonly #tableName: string;

  constructor(options: DynamoPolicyStoreOptions) {
    this.#client = options.client;
    this.#tableName = options.tableName;
  }

  /**
   * A conditional create (`attribute_not_exists`): of two concurrent creates of one id, one only is
   * answered `created`. When the policy exists, a conditional replace (`attribute_exists`) sets every
   * field but `createdAt`; a policy deleted in between is created again.
   */
  async put(
    policyId: string,
    definition: PolicyDefinition,
    now: Date,
  ): Promise<{ policy: Policy; created: boolean }> {
    const at = now.toISOString();
    const policy = toPolicy(policyId, definition, at, at);
    for (let attempt = 1; attempt <= MAX_PUT_ATTEMPTS; attempt += 1) {
      if (await this.#create(policy)) return { policy, created: true };
      const replaced = await this.#replace(policy);
      if (replaced) return { policy: replaced, created: false };
    }
    throw new Error(
      `Policy ${policyId}: still created and deleted concurrently after ${MAX_PUT_ATTEMPTS} tries`,
    );
  }

  async get(policyId: string): Promise<Policy | undefined> {
    const { Item } = await this.#client.send(
      new GetCommand({ TableName: this.#tableName, Key: policyKey(policyId), ConsistentRead: true }),
    );
    return Item ? parseStoredPolicy(Item) : undefined;
  }

  /** One Query on the policy partition, page after page; DynamoDB answers in sort key (policy id) order. */
  async list(): Promise<Policy[]> {
    const policies: Policy[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.#client.send(
        new QueryCommand({
          TableName: this.#tableName,
          KeyConditionExpression: '#pk = :pk',
          ExpressionAttributeNames: { '#pk': 'pk' },
          ExpressionAttributeValues: { ':pk': POLICY_PARTITION },
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) policies.push(parseStoredPolicy(item));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return policies;
  }

  async delete(policyId: string): Promise<boolean> {
    const { Attributes } = await this.#client.send(
      new DeleteCommand({ TableName: this.#tableName, Key: policyKey(policyId), ReturnValues: 'ALL_OLD' }),
    );
    return Attributes !== undefined;
  }

  async #create(policy: Policy): Promise<boolean> {
    try {
      await this.#client.send(
        new PutCommand({
          TableName: this.#tableName,
          Item: { ...policyKey(policy.policyId), ...stripUndefined(policy) },
          ConditionExpression: 'attribute_not_exists(#pk)',
          ExpressionAttributeNames: { '#pk': 'pk' },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailure(error)) return false;
      throw error;
    }
  }

  /** Every field but `createdAt` (kept), and a field the new definition leaves out is removed. */
  async #replace(policy: Policy): Promise<Policy | undefined> {
    const names: Record<string, string> = { '#pk': 'pk' };
    const values: Record<string, unknown> = {};
    const sets: string[] = [];
    const removes: string[] = [];
    policyFields
      .filter((field) => field !== 'createdAt')
      .forEach((field, index) => {
        names[`#f${index}`] = field;
        const value = policy[field as keyof Policy];
        if (value === undefined) {
          removes.push(`#f${index}`);
        } else {
          values[`:f${index}`] = stripUndefined(value);
          sets.push(`#f${index} = :f${index}`);
        }
      });
    try {
      const { Attributes } = await this.#client.send(
        new UpdateCommand({
          TableName: this.#tableName,
          Key: policyKey(policy.policyId),
          UpdateExpression: `SET ${sets.join(', ')}${removes.length > 0 ? ` REMOVE ${removes.join(', ')}` : ''}`,
          ConditionExpression: 'attribute_exists(#pk)',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_NEW',
        }),
      );
      if (!Attributes) throw new Error(`Policy ${policy.policyId}: update returned no attributes`);
      return parseStoredPolicy(Attributes);
    } catch (error) {
      if (isConditionalCheckFailure(error)) return undefined;
      throw error;
    }
  }
}
