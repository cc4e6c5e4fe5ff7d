import type { ServerResponse } from 'node:http';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, describe, expect, it } from 'vitest';
import { AWS_MAX_ATTEMPTS, awsClientConfig } from '#shared/wiring/aws.js';
import { documentClientOf } from '#shared/wiring/clients/document-client.js';
import { startScriptedServer } from '#test/support/scripted-server.js';

/**
 * The settings every SDK client of the functions is built with (shared/wiring/aws.ts), seen from the wire: a
 * DynamoDB document client against a stand-in whose answers each test scripts.
 */

const servers: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

const item = (res: ServerResponse) => {
  res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
  res.end(JSON.stringify({ Item: { orderId: { S: 'ord_1' } } }));
};

const throttled = (res: ServerResponse) => {
  res.writeHead(400, { 'content-type': 'application/x-amz-json-1.0' });
  res.end(
    JSON.stringify({
      __type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException',
      message: 'slow down',
    }),
  );
};

async function dynamoAnswering(
  answers: ((res: ServerResponse) => void)[],
  options: { requestTimeoutMs?: number } = {},
) {
  let call = 0;
  const server = await startScriptedServer({
    '*': (_request, res) =>
      (answers[Math.min(call++, answers.length - 1)] as (res: ServerResponse) => void)(res),
  });
  servers.push(server);
  const client = documentClientOf(
    new DynamoDBClient({
      ...awsClientConfig(options),
      region: 'eu-west-1',
      endpoint: server.url,
      credentials: { accessKeyId: 'AKID', secretAccessKey: 'secret' },
    }),
  );
  const get = () => client.send(new GetCommand({ TableName: 'orders', Key: { orderId: 'ord_1' } }));
  return { get, server };
}

describe('the functions’ AWS SDK clients', () => {
  it('keep their connection alive from one call to the next', async () => {
    const { get, server } = await dynamoAnswering([item]);
    for (let i = 0; i < 5; i++) expect((await get()).Item).toEqual({ orderId: 'ord_1' });
    expect(server.connections()).toBe(1);
  });

  it('retry a throttled call, then answer', async () => {
    const { get, server } = await dynamoAnswering([throttled, throttled, item]);
    expect((await get()).Item).toEqual({ orderId: 'ord_1' });
    expect(server.requests).toHaveLength(3);
  });

  it(`give up after ${AWS_MAX_ATTEMPTS} attempts, with the error DynamoDB named`, async () => {
    const { get, server } = await dynamoAnswering([throttled]);
    await expect(get()).rejects.toMatchObject({ name: 'ProvisionedThroughputExceededException' });
    expect(server.requests).toHaveLength(AWS_MAX_ATTEMPTS);
  });

  it('abandon an attempt that gets no answer within its timeout, and try again on a new connection', async () => {
    let silent = true;
    const { get, server } = await dynamoAnswering(
      [
        () => {
          // The first attempt's answer never comes: the request hangs until the client gives up on it.
          silent = false;
        },
        item,
      ],
      { requestTimeoutMs: 300 },
    );
    expect((await get()).Item).toEqual({ orderId: 'ord_1' });
    expect(silent).toBe(false);
    expect(server.requests).toHaveLength(2);
    expect(server.connections()).toBe(2);
  });
});
