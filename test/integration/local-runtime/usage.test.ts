import {
  BatchWriteItemCommand,
  CreateTableCommand,
  GetItemCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import { CreateQueueCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalAwsClients, localAwsClients } from '#local/aws.js';
import { type Emulators, startEmulators } from '#local/emulators.js';
import { waitUntilTableActive } from '#local/provision.js';
import { addInvocationTallies } from '#local/usage.js';

// What the bench's AWS cost table is computed from (local/usage.ts): the emulators' own counts.
describe('the emulators counting what they answer', () => {
  let emulators: Emulators;
  let clients: LocalAwsClients;
  beforeAll(async () => {
    emulators = await startEmulators({ countUsage: true });
    clients = localAwsClients(emulators.endpoints);
  });
  afterAll(async () => {
    clients.destroy();
    await emulators.stop();
  });

  it('counts DynamoDB requests with their capacity units, failures apart, and SQS requests by operation', async () => {
    await clients.dynamodb.send(
      new CreateTableCommand({
        TableName: 'counted',
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    await waitUntilTableActive(clients.dynamodb, 'counted');
    const item = { pk: { S: 'a' } };
    await clients.dynamodb.send(new PutItemCommand({ TableName: 'counted', Item: item }));
    await expect(
      clients.dynamodb.send(
        new PutItemCommand({
          TableName: 'counted',
          Item: item,
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      ),
    ).rejects.toThrow(/conditional/i);
    // The answer the client gets is DynamoDB's, whatever the counting asked for.
    const read = await clients.dynamodb.send(new GetItemCommand({ TableName: 'counted', Key: item }));
    expect(read.Item).toEqual(item);
    // A batch operation reports a list of capacities, one per table.
    await clients.dynamodb.send(
      new BatchWriteItemCommand({
        RequestItems: { counted: ['b', 'c'].map((pk) => ({ PutRequest: { Item: { pk: { S: pk } } } })) },
      }),
    );
    const { QueueUrl } = await clients.sqs.send(new CreateQueueCommand({ QueueName: 'counted' }));
    await clients.sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'x' }));

    const usage = emulators.usage();
    expect(usage.requests).toMatchObject({
      'DynamoDB.CreateTable': 1,
      'DynamoDB.PutItem': 2,
      'DynamoDB.GetItem': 1,
      'AmazonSQS.CreateQueue': 1,
      'AmazonSQS.SendMessage': 1,
    });
    expect(usage.failed).toEqual({ 'DynamoDB.PutItem': 1 });
    expect(usage.capacityUnits['DynamoDB.PutItem']).toBe(1);
    expect(usage.capacityUnits['DynamoDB.BatchWriteItem']).toBe(2);
    expect(usage.capacityUnits['DynamoDB.GetItem']).toBeGreaterThan(0);
    expect(usage.capacityUnitsByTable.counted).toBe(
      (usage.capacityUnits['DynamoDB.PutItem'] ?? 0) +
        (usage.capacityUnits['DynamoDB.GetItem'] ?? 0) +
        (usage.capacityUnits['DynamoDB.BatchWriteItem'] ?? 0),
    );
  });

  it('adds the invocation tallies of several processes', () => {
    expect(
      addInvocationTallies(
        { 'plan-worker': { count: 2, billedMs: 30 } },
        { 'plan-worker': { count: 1, billedMs: 5 }, 'events-worker': { count: 4, billedMs: 8 } },
      ),
    ).toEqual({ 'plan-worker': { count: 3, billedMs: 35 }, 'events-worker': { count: 4, billedMs: 8 } });
  });
});
