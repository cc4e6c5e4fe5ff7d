import { request } from 'node:http';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Gateway, MAX_BODY_BYTES, startGateway } from '#local/gateway.js';
import { type HandlerLoader, type LambdaHandler, topologyHandlerLoader } from '#local/handlers.js';
import type { RuntimeLog } from '#local/log.js';
import { type FunctionName, functions } from '#shared/topology.js';
import { binaryReply, echo, malformed, plainObject, throws } from '#test/fixtures/local/http-handlers.js';

interface Echoed {
  event: APIGatewayProxyEventV2 & { requestContext: { authorizer?: { iam: { accountId: string } } } };
  context: { functionName: string; awsRequestId: string; memoryLimitInMB: string; remainingMs: number };
}

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** node:http rather than fetch: repeated header lines and exact bytes both matter here. */
function send(
  url: string,
  options: { method?: string; headers?: Record<string, string | string[]>; body?: Buffer | string } = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method ?? 'GET' }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    for (const [name, value] of Object.entries(options.headers ?? {})) req.setHeader(name, value);
    req.end(options.body);
  });
}

const json = (response: RawResponse) => JSON.parse(response.body.toString('utf8')) as Record<string, unknown>;

describe('local API gateway', () => {
  let gateway: Gateway;
  const warnings: string[] = [];
  const requests: string[] = [];
  const log: RuntimeLog = { info: (line) => requests.push(line), warn: (line) => warnings.push(line) };
  const fixtures: Partial<Record<FunctionName, LambdaHandler>> = {
    'orders-api': echo,
    'sims-api': echo,
    'activation-api': echo,
    'webhook-intake': echo,
    'catalog-api': plainObject,
    'balance-api': binaryReply,
    'usage-api': throws,
    'esim-api': malformed,
  };
  const loadHandler: HandlerLoader = async (name) => {
    const handler = fixtures[name];
    if (!handler) throw new Error(`no fixture for ${name}`);
    return handler;
  };

  beforeAll(async () => {
    gateway = await startGateway({ port: 0, loadHandler, log });
  });
  afterAll(async () => {
    await gateway.close();
  });

  it('hands the route function a payload 2.0 event with decoded path parameters', async () => {
    const ok = await send(`${gateway.url}/v1/orders/01J%2FAB%20C?b=2&a=1&a=3&empty=&sp=a+b`, {
      headers: { 'X-Custom': ['one', 'two'], Cookie: 'c1=v1; c2=v2', 'User-Agent': 'gateway-test' },
    });
    expect(ok.status).toBe(200);
    const { event, context } = json(ok) as unknown as Echoed;
    expect(event.version).toBe('2.0');
    expect(event.routeKey).toBe('GET /v1/orders/{orderId}');
    expect(event.rawPath).toBe('/v1/orders/01J%2FAB%20C');
    expect(event.rawQueryString).toBe('b=2&a=1&a=3&empty=&sp=a+b');
    expect(event.pathParameters).toEqual({ orderId: '01J/AB C' });
    expect(event.queryStringParameters).toEqual({ a: '1,3', b: '2', empty: '', sp: 'a b' });
    expect(event.headers['x-custom']).toBe('one,two');
    expect(event.headers['user-agent']).toBe('gateway-test');
    expect(event.headers['x-forwarded-proto']).toBe('http');
    expect(event.headers.cookie).toBeUndefined();
    expect(event.cookies).toEqual(['c1=v1', 'c2=v2']);
    expect(event.isBase64Encoded).toBe(false);
    expect(event.body).toBeUndefined();
    expect(event.requestContext).toMatchObject({
      accountId: '000000000000',
      apiId: 'local',
      domainName: '127.0.0.1',
      http: {
        method: 'GET',
        path: '/v1/orders/01J/AB C',
        protocol: 'HTTP/1.1',
        sourceIp: '127.0.0.1',
        userAgent: 'gateway-test',
      },
      routeKey: 'GET /v1/orders/{orderId}',
      stage: '$default',
    });
    expect(event.requestContext.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(event.requestContext.time).toMatch(/^\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/);
    expect(Math.abs(event.requestContext.timeEpoch - Date.now())).toBeLessThan(5_000);
    expect(event.requestContext.authorizer?.iam.accountId).toBe('000000000000');
    expect(context.functionName).toBe('local-orders-api');
    expect(context.memoryLimitInMB).toBe('256');
    // Counted down from orders-api's timeout in the topology, a second or less gone.
    const timeoutMs = functions['orders-api'].timeoutSeconds * 1000;
    expect(context.remainingMs).toBeGreaterThan(timeoutMs - 1_000);
    expect(context.remainingMs).toBeLessThanOrEqual(timeoutMs);
    expect(requests.some((line) => line.includes('-> 200 orders-api'))).toBe(true);
  });

  it('prefers the literal route and leaves out what the route does not have', async () => {
    const list = json(await send(`${gateway.url}/v1/sims`)) as unknown as Echoed;
    expect(list.event.routeKey).toBe('GET /v1/sims');
    expect(list.event.pathParameters).toBeUndefined();
    expect(list.event.queryStringParameters).toBeUndefined();
    expect(list.event.rawQueryString).toBe('');

    const webhook = json(
      await send(`${gateway.url}/v1/webhooks/transatel`, {
        method: 'POST',
        body: '{}',
        headers: { 'content-type': 'application/json' },
      }),
    ) as unknown as Echoed;
    expect(webhook.event.routeKey).toBe('POST /v1/webhooks/transatel');
    expect(webhook.event.requestContext.authorizer).toBeUndefined();
  });

  it('passes JSON and text bodies as UTF-8 text and anything else base64-encoded', async () => {
    const text = '{"planId":"IOTC_CAPPED_EU_1GB_1M","note":"é"}';
    const asJson = json(
      await send(`${gateway.url}/v1/sims/8988247000000000001/activation`, {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8' },
        body: text,
      }),
    ) as unknown as Echoed;
    expect(asJson.event.body).toBe(text);
    expect(asJson.event.isBase64Encoded).toBe(false);
    expect(asJson.event.pathParameters).toEqual({ iccid: '8988247000000000001' });

    const bytes = Buffer.from([0, 1, 2, 200, 255]);
    const binary = json(
      await send(`${gateway.url}/v1/webhooks/transatel`, {
        method: 'POST',
        headers: { 'content-type': 'application/octet-stream' },
        body: bytes,
      }),
    ) as unknown as Echoed;
    expect(binary.event.isBase64Encoded).toBe(true);
    expect(Buffer.from(binary.event.body ?? '', 'base64')).toEqual(bytes);
  });

  it('writes status, headers, cookies and a base64 body back as raw bytes', async () => {
    const response = await send(`${gateway.url}/v1/sims/8988247000000000001/balance`);
    expect(response.status).toBe(201);
    expect(response.headers['content-type']).toBe('application/octet-stream');
    expect(response.headers['x-count']).toBe('3');
    expect(response.headers['set-cookie']).toEqual(['a=1; Path=/', 'b=2']);
    expect(response.body).toEqual(Buffer.from([0, 1, 2, 254, 255]));

    const inferred = await send(`${gateway.url}/v1/plans?country=FR`);
    expect(inferred.status).toBe(200);
    expect(inferred.headers['content-type']).toBe('application/json');
    expect(json(inferred)).toEqual({ hello: 'world' });
  });

  it('answers 404 and 405 (with Allow) as problem+json', async () => {
    const notFound = await send(`${gateway.url}/v2/nothing`);
    expect(notFound.status).toBe(404);
    expect(notFound.headers['content-type']).toBe('application/problem+json');
    expect(json(notFound)).toMatchObject({
      status: 404,
      type: 'urn:problem:not-found',
      instance: '/v2/nothing',
    });

    const wrongMethod = await send(`${gateway.url}/v1/sims/8988247000000000001`, { method: 'DELETE' });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.allow).toBe('GET, PATCH');
    expect(json(wrongMethod)).toMatchObject({ status: 405, type: 'urn:problem:method-not-allowed' });
  });

  it("rejects a body over API Gateway's 10 MB with 413", async () => {
    const tooBig = await send(`${gateway.url}/v1/webhooks/transatel`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: Buffer.alloc(MAX_BODY_BYTES + 1, 0x20),
    });
    expect(tooBig.status).toBe(413);
    expect(json(tooBig)).toMatchObject({ status: 413, type: 'urn:problem:payload-too-large' });

    const atLimit = await send(`${gateway.url}/v1/webhooks/transatel`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: Buffer.alloc(MAX_BODY_BYTES, 0x20),
    });
    expect(atLimit.status).toBe(200);
  });

  it('turns a throwing handler or a malformed result into a 500 problem and a log line', async () => {
    const thrown = await send(`${gateway.url}/v1/sims/8988247000000000001/usage`);
    expect(thrown.status).toBe(500);
    expect(thrown.headers['content-type']).toBe('application/problem+json');
    expect(json(thrown)).toMatchObject({ status: 500, type: 'urn:problem:internal' });
    expect(
      warnings.some((line) => line.includes('usage-api threw') && line.includes('fixture handler failure')),
    ).toBe(true);

    const bad = await send(`${gateway.url}/v1/sims/8988247000000000001/esim`);
    expect(bad.status).toBe(500);
    expect(warnings.some((line) => line.includes('esim-api returned a malformed response'))).toBe(true);
  });

  it('loads a handler from its topology entry by default, and fails a missing one with 500', async () => {
    const root = new URL('../../fixtures/local/root/', import.meta.url).pathname;
    const fromEntries = await startGateway({ port: 0, loadHandler: topologyHandlerLoader(root), log });
    try {
      const loaded = await send(`${fromEntries.url}/v1/orders/01J0000000000000000000000`);
      expect(loaded.status).toBe(200);
      expect(loaded.body.toString()).toBe('loaded from the topology entry');

      const missing = await send(`${fromEntries.url}/v1/plans`);
      expect(missing.status).toBe(500);
      expect(warnings.some((line) => line.includes('catalog-api threw'))).toBe(true);
    } finally {
      await fromEntries.close();
    }
  });
});
