import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import middy from '@middy/core';
// biome-ignore lint/style/noRestrictedImports: the reference is conventional code, and `{ z }` is how most of it imports zod (the whole of zod bundled).
import { z } from 'zod';

/**
 * The cold-init reference: what a conventional Lambda of this kind looks like. It imports the AWS SDK's SQS
 * client, DynamoDB's document client, Powertools' logger, middy and zod, and builds its clients at init, as
 * most handlers do; nothing is called at init. The handler parses its input with a zod schema, writes an item
 * and queues a message, so every import is used and the bundler keeps it whole. Never deployed: the bench
 * bundles it like the functions (bench/bundle.ts) and compares their cold init and size with its own.
 */
const logger = new Logger({ serviceName: 'reference' });
const sqs = new SQSClient({});
const documents = DynamoDBDocumentClient.from(new DynamoDBClient({}), {
  marshallOptions: { removeUndefinedValues: true },
});

const OrderRequest = z.object({
  iccid: z.string().regex(/^\d{19,20}$/),
  planId: z.string().min(1).max(64),
  reference: z.string().max(128).optional(),
});

interface Response {
  statusCode: number;
  body: string;
}

async function accept(event: unknown): Promise<Response> {
  const order = OrderRequest.parse(event);
  const orderId = crypto.randomUUID();
  await documents.send(
    new PutCommand({
      TableName: process.env.ORDERS_TABLE_NAME,
      Item: { orderId, ...order, status: 'RECEIVED' },
      ConditionExpression: 'attribute_not_exists(orderId)',
    }),
  );
  await sqs.send(
    new SendMessageCommand({
      QueueUrl: process.env.ACTIVATION_QUEUE_URL,
      MessageBody: JSON.stringify({ orderId }),
    }),
  );
  logger.info('order accepted', { orderId });
  return { statusCode: 202, body: JSON.stringify({ orderId }) };
}

export const handler = middy(accept);
