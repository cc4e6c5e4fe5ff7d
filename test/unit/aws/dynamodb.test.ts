import { createHash, createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BatchGetCommand,
  BatchWriteCommand,
  DocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '#shared/aws/dynamodb.js';
import { type AwsAnswer, type AwsExchange, AwsRequestError } from '#shared/aws-request.js';
import { recordedAws, TEST_CREDENTIALS } from '#test/support/recorded-aws.js';

/** A DocumentClient whose exchanges are answered by `answer` (no socket). */
function client(answer: (exchange: AwsExchange) => AwsAnswer | Error, endpoint?: string) {
  const { options, sent } = recordedAws(answer);
  // Credentials from a provider, as the functions' environment gives them.
  const documents = new DocumentClient({ ...options, credentials: async () => TEST_CREDENTIALS, endpoint });
  return { documents, sent, body: (i: number) => JSON.parse(sent[i]?.body ?? 'null') };
}

const ok = (body: object): AwsAnswer => ({ status: 200, text: JSON.stringify(body) });

/** SigV4 header signing of a POST to `/`, written out from AWS's description, to check a request against. */
function expectedAuthorization(
  exchange: AwsExchange,
  credentials: { accessKeyId: string; secretAccessKey: string },
  region: string,
  service: string,
): string {
  const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
  const headers = Object.fromEntries(
    Object.entries({ ...exchange.headers, host: exchange.url.host })
      .map(([name, value]) => [name.toLowerCase(), value.trim()])
      .filter(([name]) => name !== 'authorization'),
  );
  const names = Object.keys(headers).sort();
  const canonical = ['POST', '/', '', ...names.map((name) => `${name}:${headers[name]}`), '', names.join(';')]
    .concat(sha256(exchange.body ?? ''))
    .join('\n');
  const amzDate = headers['x-amz-date'] as string;
  const scope = `${amzDate.slice(0, 8)}/${region}/${service}/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonical)].join('\n');
  const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();
  const key = hmac(
    hmac(hmac(hmac(`AWS4${credentials.secretAccessKey}`, amzDate.slice(0, 8)), region), service),
    'aws4_request',
  );
  const signature = createHmac('sha256', key).update(toSign).digest('hex');
  return `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/${scope}, SignedHeaders=${names.join(';')}, Signature=${signature}`;
}

describe('DocumentClient', () => {
  it("sends the operation to DynamoDB's regional endpoint, signed, its items as attribute values", async () => {
    const { documents, sent, body } = client(() => ok({}));
    await documents.send(
      new PutCommand({
        TableName: 'orders',
        Item: { pk: 'o-1', count: 3, tags: ['a'], nested: { ok: true, gone: undefined }, none: null },
        ConditionExpression: 'attribute_not_exists(pk)',
        ExpressionAttributeValues: { ':now': 5 },
      }),
    );
    expect(sent[0]?.url.href).toBe('https://dynamodb.eu-west-1.amazonaws.com/');
    expect(sent[0]?.headers['x-amz-target']).toBe('DynamoDB_20120810.PutItem');
    expect(sent[0]?.headers['content-type']).toBe('application/x-amz-json-1.0');
    expect(sent[0]?.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/dynamodb\/aws4_request, /,
    );
    expect(body(0)).toEqual({
      TableName: 'orders',
      Item: {
        pk: { S: 'o-1' },
        count: { N: '3' },
        tags: { L: [{ S: 'a' }] },
        nested: { M: { ok: { BOOL: true } } },
        none: { NULL: true },
      },
      ConditionExpression: 'attribute_not_exists(pk)',
      ExpressionAttributeValues: { ':now': { N: '5' } },
    });
  });

  it("signs as SigV4 describes, with Lambda's session token", async () => {
    const credentials = {
      accessKeyId: 'ASIAEXAMPLE',
      secretAccessKey: 'wJalr/K7MDENG',
      sessionToken: 'TOKEN',
    };
    const sent: AwsExchange[] = [];
    const documents = new DocumentClient({
      region: 'us-east-1',
      credentials: async () => credentials,
      send: async (exchange) => {
        sent.push(exchange);
        return ok({});
      },
    });
    await documents.send(new GetCommand({ TableName: 'orders', Key: { orderId: 'o-1' } }));
    const [exchange] = sent as [AwsExchange];
    expect(exchange.headers['x-amz-security-token']).toBe('TOKEN');
    expect(exchange.headers.authorization).toBe(
      expectedAuthorization(exchange, credentials, 'us-east-1', 'dynamodb'),
    );
  });

  it('answers items as plain objects: Item, Attributes, Items and LastEvaluatedKey', async () => {
    const answers = [
      ok({ Item: { pk: { S: 'o-1' }, n: { N: '2' } } }),
      ok({ Attributes: { status: { S: 'ACTIVE' } } }),
      ok({ Items: [{ pk: { S: 'a' } }, { pk: { S: 'b' } }], LastEvaluatedKey: { pk: { S: 'b' } }, Count: 2 }),
    ];
    const { documents, body } = client(() => answers.shift() ?? ok({}), 'http://127.0.0.1:4567');
    expect((await documents.send(new GetCommand({ TableName: 't', Key: { pk: 'o-1' } }))).Item).toEqual({
      pk: 'o-1',
      n: 2,
    });
    expect(body(0).Key).toEqual({ pk: { S: 'o-1' } });
    const updated = await documents.send(
      new UpdateCommand({ TableName: 't', Key: { pk: 'o-1' }, UpdateExpression: 'SET #s = :s' }),
    );
    expect(updated.Attributes).toEqual({ status: 'ACTIVE' });
    const page = await documents.send(
      new QueryCommand({ TableName: 't', KeyConditionExpression: 'pk = :p', ExclusiveStartKey: { pk: 'a' } }),
    );
    expect(body(2).ExclusiveStartKey).toEqual({ pk: { S: 'a' } });
    expect(page).toEqual({ Items: [{ pk: 'a' }, { pk: 'b' }], LastEvaluatedKey: { pk: 'b' }, Count: 2 });
  });

  it('converts the batch operations both ways, unprocessed requests included', async () => {
    const answers = [
      ok({
        Responses: { t: [{ pk: { S: 'a' } }] },
        UnprocessedKeys: { t: { Keys: [{ pk: { S: 'b' } }] } },
      }),
      ok({ UnprocessedItems: { t: [{ PutRequest: { Item: { pk: { S: 'c' } } } }] } }),
    ];
    const { documents, body } = client(() => answers.shift() ?? ok({}));
    const read = await documents.send(
      new BatchGetCommand({
        RequestItems: { t: { Keys: [{ pk: 'a' }, { pk: 'b' }], ConsistentRead: true } },
      }),
    );
    expect(body(0).RequestItems).toEqual({
      t: { Keys: [{ pk: { S: 'a' } }, { pk: { S: 'b' } }], ConsistentRead: true },
    });
    expect(read.Responses).toEqual({ t: [{ pk: 'a' }] });
    expect(read.UnprocessedKeys).toEqual({ t: { Keys: [{ pk: 'b' }] } });
    const written = await documents.send(
      new BatchWriteCommand({
        RequestItems: { t: [{ PutRequest: { Item: { pk: 'c' } } }, { DeleteRequest: { Key: { pk: 'd' } } }] },
      }),
    );
    expect(body(1).RequestItems).toEqual({
      t: [{ PutRequest: { Item: { pk: { S: 'c' } } } }, { DeleteRequest: { Key: { pk: { S: 'd' } } } }],
    });
    expect(written.UnprocessedItems).toEqual({ t: [{ PutRequest: { Item: { pk: 'c' } } }] });
  });

  it('names a refused write as the SDK does, and does not send it again', async () => {
    const { documents, sent } = client(() => ({
      status: 400,
      text: JSON.stringify({
        __type: 'com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException',
        message: 'The conditional request failed',
      }),
    }));
    const error = await documents
      .send(
        new PutCommand({
          TableName: 't',
          Item: { pk: 'a' },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      )
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AwsRequestError);
    expect(error).toMatchObject({ name: 'ConditionalCheckFailedException', status: 400 });
    expect((error as Error).message).toContain('The conditional request failed');
    expect(sent).toHaveLength(1);
  });

  it('tries a throttled, failed or unanswered request three times in all, then gives its error', async () => {
    const throttled = {
      status: 400,
      text: JSON.stringify({
        __type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException',
      }),
    };
    const answers: (AwsAnswer | Error)[] = [
      throttled,
      new Error('socket hang up'),
      ok({ Item: { pk: { S: 'a' } } }),
    ];
    const { documents, sent } = client(() => answers.shift() ?? ok({}));
    expect((await documents.send(new GetCommand({ TableName: 't', Key: { pk: 'a' } }))).Item).toEqual({
      pk: 'a',
    });
    expect(sent).toHaveLength(3);

    const always = client(() => throttled);
    await expect(
      always.documents.send(new GetCommand({ TableName: 't', Key: { pk: 'a' } })),
    ).rejects.toMatchObject({
      name: 'ProvisionedThroughputExceededException',
    });
    expect(always.sent).toHaveLength(3);
  });

  it('round-trips any JSON-like item with safe numbers, without its undefined attributes', async () => {
    const stored = new Map<string, unknown>();
    const { documents } = client((exchange) => {
      const body = JSON.parse(exchange.body ?? '{}');
      if (exchange.headers['x-amz-target']?.endsWith('PutItem')) stored.set('item', body.Item);
      return ok({ Item: stored.get('item') });
    });
    // Keys the SDK's marshaller (and so the DocumentClient) cannot take: it reads `constructor` to tell plain
    // objects from class instances, and builds maps by assignment, where `__proto__` sets the prototype.
    const key = fc.string({ minLength: 1 }).filter((name) => name !== 'constructor' && name !== '__proto__');
    const value = fc.letrec((tie) => ({
      any: fc.oneof(
        { depthSize: 'small' },
        fc.string(),
        fc.integer(),
        // DynamoDB numbers beyond the safe integers need NumberValue, refused here as by the DocumentClient.
        fc.double({ noNaN: true, min: -1e15, max: 1e15 }).filter((n) => !Object.is(n, -0)),
        fc.boolean(),
        fc.constant(null),
        fc.constant(undefined),
        fc.array(
          tie('any').filter((item) => item !== undefined),
          { maxLength: 3 },
        ),
        fc.dictionary(key, tie('any'), { maxKeys: 3 }),
      ),
    })).any;
    await fc.assert(
      fc.asyncProperty(fc.dictionary(key, value, { maxKeys: 5 }), async (attributes) => {
        const item = { ...attributes, pk: 'k' };
        await documents.send(new PutCommand({ TableName: 't', Item: item }));
        const { Item } = await documents.send(new GetCommand({ TableName: 't', Key: { pk: 'k' } }));
        expect(Item).toEqual(JSON.parse(JSON.stringify(item)));
      }),
    );
  });
});
