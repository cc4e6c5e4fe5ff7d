import { DeleteCommand, type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionalCheckFailure } from './dynamo-support.js';
import type { SimMarkerOps } from './open-order-marker.js';
import type { Order } from './order.js';

/**
 * Each SIM's open-order marker in the orders table: the DynamoDB primitives that open-order-marker.ts
 * builds one open order per SIM from.
 */

/**
 * The key of a SIM's open-order marker, `{ orderId: "sim#<iccid>", openOrderId, since }`: never a valid
 * order id (those are ULIDs), and without `iccid`, `transactionId` or `createdAt`, so never in an index.
 */
export function simMarkerKey(iccid: string): string {
  return `sim#${iccid}`;
}

export interface DynamoSimMarkerOptions {
  client: DynamoDBDocumentClient;
  tableName: string;
  /** Strongly consistent. */
  getOrder(orderId: string): Promise<Order | undefined>;
}

/** The marker primitives: each one conditional write or one strongly consistent read. */
export function dynamoSimMarkers({ client, tableName, getOrder }: DynamoSimMarkerOptions): SimMarkerOps {
  /** Sends a conditional write: true when applied, false when its condition did not hold. */
  async function conditionally(command: UpdateCommand | DeleteCommand): Promise<boolean> {
    try {
      await client.send(command);
      return true;
    } catch (error) {
      if (isConditionalCheckFailure(error)) return false;
      throw error;
    }
  }

  return {
    claim: (iccid, orderId, since) =>
      conditionally(
        new UpdateCommand({
          TableName: tableName,
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
      const { Item } = await client.send(
        new GetCommand({
          TableName: tableName,
          Key: { orderId: simMarkerKey(iccid) },
          ConsistentRead: true,
        }),
      );
      return typeof Item?.openOrderId === 'string' ? Item.openOrderId : undefined;
    },
    takeOver: (iccid, staleOrderId, orderId, since) =>
      conditionally(
        new UpdateCommand({
          TableName: tableName,
          Key: { orderId: simMarkerKey(iccid) },
          UpdateExpression: 'SET #openOrderId = :orderId, #since = :since',
          ConditionExpression: '#openOrderId = :stale',
          ExpressionAttributeNames: { '#openOrderId': 'openOrderId', '#since': 'since' },
          ExpressionAttributeValues: { ':orderId': orderId, ':stale': staleOrderId, ':since': since },
        }),
      ),
    release: async (iccid, orderId) => {
      await conditionally(
        new DeleteCommand({
          TableName: tableName,
          Key: { orderId: simMarkerKey(iccid) },
          ConditionExpression: '#openOrderId = :orderId',
          ExpressionAttributeNames: { '#openOrderId': 'openOrderId' },
          ExpressionAttributeValues: { ':orderId': orderId },
        }),
      );
    },
    getOrder,
    removeUntouched: async (orderId) => {
      await conditionally(
        new DeleteCommand({
          TableName: tableName,
          Key: { orderId },
          ConditionExpression: '#status = :received AND #version = :one',
          ExpressionAttributeNames: { '#status': 'status', '#version': 'version' },
          ExpressionAttributeValues: { ':received': 'RECEIVED', ':one': 1 },
        }),
      );
    },
  };
}
