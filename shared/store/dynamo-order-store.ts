import { randomUUID } from 'node:crypto';
import {
  BatchGetCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { buildUpdate, WRITE_ID_ATTRIBUTE } from './dynamo-order-update.js';
import { dynamoSimMarkers, simMarkerKey } from './dynamo-sim-marker.js';
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
  type TransitionRequest,
  type TransitionResult,
  toConflict,
} from './order-store.js';
import type { TableDefinition } from './table-definition.js';

export { simMarkerKey } from './dynamo-sim-marker.js';

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

/** BatchGetItem's most keys a request. */
const BATCH_GET_KEYS = 100;

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

export class DynamoOrderStore implements OrderStore {
  readonly #client: DynamoDBDocumentClient;
  readonly #tableName: string;
  readonly #batchConcurrency: number;
  readonly #markers: SimMarkerOps;

  constructor(options: DynamoOrderStoreOptions) {
    this.#client = options.client;
    this.#tableName = options.tableName;
    this.#batchConcurrency = options.batchConcurrency ?? 4;
    this.#markers = dynamoSimMarkers({
      client: this.#client,
      tableName: this.#tableName,
      getOrder: (orderId) => this.get(orderId, { consistent: true }),
    });
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

  async getMany(orderIds: readonly string[]): Promise<Map<string, Order>> {
    const found = new Map<string, Order>();
    for (const item of await this.#batchGet(orderIds)) {
      const order = parseStoredOrder(item);
      found.set(order.orderId, order);
    }
    return found;
  }

  async markedOrderIds(iccids: readonly string[]): Promise<Map<string, string>> {
    const iccidOf = new Map(iccids.map((iccid) => [simMarkerKey(iccid), iccid]));
    const marked = new Map<string, string>();
    for (const { orderId, openOrderId } of await this.#batchGet([...iccidOf.keys()])) {
      const iccid = iccidOf.get(String(orderId));
      if (iccid && typeof openOrderId === 'string') marked.set(iccid, openOrderId);
    }
    return marked;
  }

  /** The table's items with these keys (`orderId`), each read once, strongly consistent, BATCH_GET_KEYS a request. */
  async #batchGet(keys: readonly string[]): Promise<Record<string, unknown>[]> {
    const unique = [...new Set(keys)];
    const items: Record<string, unknown>[] = [];
    for (let start = 0; start < unique.length; start += BATCH_GET_KEYS) {
      const Keys = unique.slice(start, start + BATCH_GET_KEYS).map((orderId) => ({ orderId }));
      const { Responses } = await this.#client.send(
        new BatchGetCommand({ RequestItems: { [this.#tableName]: { Keys, ConsistentRead: true } } }),
      );
      items.push(...(Responses?.[this.#tableName] ?? []));
    }
    return items;
  }

  async transition(orderId: string, request: TransitionRequest): Promise<TransitionResult> {
    const plan = planTransition(request);
    // The SDK retries an update whose answer was lost (a reset connection, a timeout) though it may have been
    // applied: the retry then fails its condition. This write's own token, read back, tells it from another's.
    const writeId = randomUUID();
    let attributes: Record<string, unknown> | undefined;
    try {
      const { Attributes } = await this.#client.send(
        new UpdateCommand({
          TableName: this.#tableName,
          ...buildUpdate(orderId, plan, writeId),
          ReturnValues: 'ALL_NEW',
        }),
      );
      attributes = Attributes;
    } catch (error) {
      if (!isConditionalCheckFailure(error)) throw error;
      // The emulator has no ReturnValuesOnConditionCheckFailure: read the order to say why.
      const { Item } = await this.#client.send(
        new GetCommand({ TableName: this.#tableName, Key: { orderId }, ConsistentRead: true }),
      );
      if (Item?.[WRITE_ID_ATTRIBUTE] !== writeId) {
        return {
          applied: false,
          conflict: toConflict(orderId, plan, Item ? parseStoredOrder(Item) : undefined),
        };
      }
      attributes = Item;
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
