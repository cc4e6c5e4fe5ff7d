import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { isConditionalCheckFailure, stripUndefined, writeInBatches } from './dynamo-support.js';
import {
  claimExistingOrder,
  claimNewOrder,
  claimNewOrders,
  openOrderIdOf,
  releaseAfter,
  type SimMarkerOps,
} from './open-order-marker.js';
import { type Order, orderSchema, terminalStatuses } from './order.js';
import {
  OrderAlreadyExistsError,
  type OrderStore,
  planTransition,
  type RefusedOrder,
  type TransitionPlan,
  type TransitionRequest,
  type TransitionResult,
  toConflict,
} from './order-store.js';
import type { TableDefinition } from './table-definition.js';

export const ordersTableIndexes = {
  byTransactionId: 'byTransactionId',
  byIccid: 'byIccid',
} as const;

/**
 * Orders: one item per order, keyed by `orderId`. Both indexes are sparse-friendly and project everything.
 * The same table holds each SIM's open-order marker (see `simMarkerKey`).
 */
export const ordersTableDefinition = {
  partitionKey: { name: 'orderId', type: 'S' },
  globalSecondaryIndexes: [
    {
      indexName: ordersTableIndexes.byTransactionId,
      partitionKey: { name: 'transactionId', type: 'S' },
      projection: 'ALL',
    },
    {
      indexName: ordersTableIndexes.byIccid,
      partitionKey: { name: 'iccid', type: 'S' },
      sortKey: { name: 'createdAt', type: 'S' },
      projection: 'ALL',
    },
  ],
} as const satisfies TableDefinition;

/**
 * The key of a SIM's open-order marker, `{ orderId: "sim#<iccid>", openOrderId, since }`: never a valid
 * order id (those are ULIDs), and without `iccid`, `transactionId` or `createdAt`, so never in an index.
 */
export function simMarkerKey(iccid: string): string {
  return `sim#${iccid}`;
}

export interface DynamoOrderStoreOptions {
  client: DynamoDBDocumentClient;
  tableName: string;
  /** Batch writes in flight at once during `createMany`. */
  batchConcurrency?: number;
}

function parseStoredOrder(item: Record<string, unknown>): Order {
  const parsed = orderSchema.safeParse(item);
  if (parsed.success) return parsed.data;
  const fields = parsed.error.issues.map((issue) => issue.path.join('.')).join(', ');
  throw new Error(`Stored order ${String(item.orderId)} is invalid (${fields})`);
}

/** Builds the conditional update for a transition: names and values are placeholders throughout. */
function buildUpdate(orderId: string, plan: TransitionPlan) {
  const names: Record<string, string> = {
    '#orderId': 'orderId',
    '#status': 'status',
    '#version': 'version',
    '#updatedAt': 'updatedAt',
  };
  const values: Record<string, unknown> = { ':to': plan.to, ':one': 1, ':updatedAt': plan.updatedAt };
  const sets = ['#status = :to', '#version = #version + :one', '#updatedAt = :updatedAt'];
  const removes: string[] = [];

  if (plan.timelineEntry) {
    names['#timeline'] = 'timeline';
    values[':timelineEntry'] = [stripUndefined(plan.timelineEntry)];
    sets.push('#timeline = list_append(#timeline, :timelineEntry)');
  }
  plan.assignments.forEach(([field, value], index) => {
    names[`#set${index}`] = field;
    values[`:set${index}`] = stripUndefined(value);
    sets.push(`#set${index} = :set${index}`);
  });
  plan.removals.forEach((field, index) => {
    names[`#remove${index}`] = field;
    removes.push(`#remove${index}`);
  });
  if (plan.increments.length > 0) {
    names['#attempts'] = 'attempts';
    values[':zero'] = 0;
    plan.increments.forEach(([counter, amount], index) => {
      names[`#counter${index}`] = counter;
      values[`:increment${index}`] = amount;
      sets.push(
        `#attempts.#counter${index} = if_not_exists(#attempts.#counter${index}, :zero) + :increment${index}`,
      );
    });
  }

  const fromPlaceholders = plan.from.map((status, index) => {
    values[`:from${index}`] = status;
    return `:from${index}`;
  });
  const conditions = ['attribute_exists(#orderId)', `#status IN (${fromPlaceholders.join(', ')})`];
  if (plan.expectedVersion !== undefined) {
    values[':expectedVersion'] = plan.expectedVersion;
    conditions.push('#version = :expectedVersion');
  }

  return {
    Key: { orderId },
    UpdateExpression: `SET ${sets.join(', ')}${removes.length > 0 ? ` REMOVE ${removes.join(', ')}` : ''}`,
    ConditionExpression: conditions.join(' AND '),
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  };
}

export class DynamoOrderStore implements OrderStore {
  readonly #client: DynamoDBDocumentClient;
  readonly #tableName: string;
  readonly #batchConcurrency: number;

  constructor(options: DynamoOrderStoreOptions) {
    this.#client = options.client;
    this.#tableName = options.tableName;
    this.#batchConcurrency = options.batchConcurrency ?? 4;
  }

  async create(order: Order): Promise<void> {
    const parsed = orderSchema.parse(order);
    try {
      await this.#client.send(
        new PutCommand({
          TableName: this.#tableName,
          Item: stripUndefined(parsed),
          ConditionExpression: 'attribute_not_exists(#orderId)',
          ExpressionAttributeNames: { '#orderId': 'orderId' },
        }),
      );
    } catch (error) {
      if (isConditionalCheckFailure(error)) throw new OrderAlreadyExistsError(order.orderId);
      throw error;
    }
    await claimNewOrder(this.#markers, parsed);
  }

  async createMany(orders: readonly Order[]): Promise<RefusedOrder[]> {
    const seen = new Set<string>();
    const parsed = orders.map((order) => {
      if (seen.has(order.orderId)) throw new OrderAlreadyExistsError(order.orderId);
      seen.add(order.orderId);
      return orderSchema.parse(order);
    });
    await writeInBatches(this.#client, this.#tableName, parsed.map(stripUndefined), {
      concurrency: this.#batchConcurrency,
    });
    return claimNewOrders(this.#markers, parsed);
  }

  async claimSim(order: Order): Promise<void> {
    await claimExistingOrder(this.#markers, orderSchema.parse(order));
  }

  async findOpenOrderId(iccid: string): Promise<string | undefined> {
    return openOrderIdOf(this.#markers, iccid);
  }

  async get(orderId: string, options: { consistent?: boolean } = {}): Promise<Order | undefined> {
    const { Item } = await this.#client.send(
      new GetCommand({
        TableName: this.#tableName,
        Key: { orderId },
        ConsistentRead: options.consistent ?? true,
      }),
    );
    return Item ? parseStoredOrder(Item) : undefined;
  }

  async transition(orderId: string, request: TransitionRequest): Promise<TransitionResult> {
    const plan = planTransition(request);
    let attributes: Record<string, unknown> | undefined;
    try {
      const { Attributes } = await this.#client.send(
        new UpdateCommand({
          TableName: this.#tableName,
          ...buildUpdate(orderId, plan),
          ReturnValues: 'ALL_NEW',
        }),
      );
      attributes = Attributes;
    } catch (error) {
      if (!isConditionalCheckFailure(error)) throw error;
      // The emulator has no ReturnValuesOnConditionCheckFailure: read the order to say why.
      return { applied: false, conflict: toConflict(orderId, plan, await this.get(orderId)) };
    }
    if (!attributes) throw new Error(`Order ${orderId}: update returned no attributes`);
    const order = parseStoredOrder(attributes);
    await releaseAfter(this.#markers, order);
    return { applied: true, order };
  }

  async findByTransactionId(transactionId: string): Promise<Order | undefined> {
    const orders = await this.#queryAll({
      IndexName: ordersTableIndexes.byTransactionId,
      KeyConditionExpression: '#transactionId = :transactionId',
      ExpressionAttributeNames: { '#transactionId': 'transactionId' },
      ExpressionAttributeValues: { ':transactionId': transactionId },
    });
    return orders.reduce<Order | undefined>(
      (newest, order) => (newest === undefined || order.createdAt > newest.createdAt ? order : newest),
      undefined,
    );
  }

  async findActiveByIccid(iccid: string): Promise<Order[]> {
    const terminal = Object.fromEntries(
      terminalStatuses.map((status, index) => [`:terminal${index}`, status]),
    );
    return this.#queryAll({
      IndexName: ordersTableIndexes.byIccid,
      KeyConditionExpression: '#iccid = :iccid',
      FilterExpression: `NOT (#status IN (${Object.keys(terminal).join(', ')}))`,
      ExpressionAttributeNames: { '#iccid': 'iccid', '#status': 'status' },
      ExpressionAttributeValues: { ':iccid': iccid, ...terminal },
      ScanIndexForward: true,
    });
  }

  async listByIccid(iccid: string): Promise<Order[]> {
    return this.#queryAll({
      IndexName: ordersTableIndexes.byIccid,
      KeyConditionExpression: '#iccid = :iccid',
      ExpressionAttributeNames: { '#iccid': 'iccid' },
      ExpressionAttributeValues: { ':iccid': iccid },
      ScanIndexForward: true,
    });
  }

  /** The marker primitives: each one conditional write or one strongly consistent read. */
  readonly #markers: SimMarkerOps = {
    claim: (iccid, orderId, since) =>
      this.#conditionally(
        new UpdateCommand({
          TableName: this.#tableName,
          Key: { orderId: simMarkerKey(iccid) },
          UpdateExpression: 'SET #openOrderId = :orderId, #since = if_not_exists(#since, :since)',
          ConditionExpression: 'attribute_not_exists(#orderId) OR #openOrderId = :orderId',
          ExpressionAttributeNames: {
            '#orderId': 'orderId',
            '#openOrderId': 'openOrderId',
            '#since': 'since',
          },
          ExpressionAttributeValues: { ':orderId': orderId, ':since': since },
        }),
      ),
    holder: async (iccid) => {
      const { Item } = await this.#client.send(
        new GetCommand({
          TableName: this.#tableName,
          Key: { orderId: simMarkerKey(iccid) },
          ConsistentRead: true,
        }),
      );
      return typeof Item?.openOrderId === 'string' ? Item.openOrderId : undefined;
    },
    takeOver: (iccid, staleOrderId, orderId, since) =>
      this.#conditionally(
        new UpdateCommand({
          TableName: this.#tableName,
          Key: { orderId: simMarkerKey(iccid) },
          UpdateExpression: 'SET #openOrderId = :orderId, #since = :since',
          ConditionExpression: '#openOrderId = :stale',
          ExpressionAttributeNames: { '#openOrderId': 'openOrderId', '#since': 'since' },
          ExpressionAttributeValues: { ':orderId': orderId, ':stale': staleOrderId, ':since': since },
        }),
      ),
    release: async (iccid, orderId) => {
      await this.#conditionally(
        new DeleteCommand({
          TableName: this.#tableName,
          Key: { orderId: simMarkerKey(iccid) },
          ConditionExpression: '#openOrderId = :orderId',
          ExpressionAttributeNames: { '#openOrderId': 'openOrderId' },
          ExpressionAttributeValues: { ':orderId': orderId },
        }),
      );
    },
    getOrder: (orderId) => this.get(orderId, { consistent: true }),
    removeUntouched: async (orderId) => {
      await this.#conditionally(
        new DeleteCommand({
          TableName: this.#tableName,
          Key: { orderId },
          ConditionExpression: '#status = :received AND #version = :one',
          ExpressionAttributeNames: { '#status': 'status', '#version': 'version' },
          ExpressionAttributeValues: { ':received': 'RECEIVED', ':one': 1 },
        }),
      );
    },
  };

  /** Sends a conditional write: true when applied, false when its condition did not hold. */
  async #conditionally(command: UpdateCommand | DeleteCommand): Promise<boolean> {
    try {
      await this.#client.send(command);
      return true;
    } catch (error) {
      if (isConditionalCheckFailure(error)) return false;
      throw error;
    }
  }

  async #queryAll(query: Omit<QueryCommandInput, 'TableName' | 'ExclusiveStartKey'>): Promise<Order[]> {
    const orders: Order[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.#client.send(
        new QueryCommand({ TableName: this.#tableName, ...query, ExclusiveStartKey: startKey }),
      );
      for (const item of page.Items ?? []) orders.push(parseStoredOrder(item));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return orders;
  }
}
