import { afterEach, describe, expect, it } from 'vitest';
import { createTransatelClient } from '#shared/transatel/client.js';
import type { TransatelClientConfig } from '#shared/transatel/config.js';
import {
  TransatelApiError,
  TransatelAuthError,
  TransatelInvalidResponseError,
  TransatelNetworkError,
  TransatelUnknownOutcomeError,
} from '#shared/transatel/errors.js';
import { json, type ScriptedHandler, startScriptedServer, tokenOk } from '#test/support/scripted-server.js';

const ICCID = '8988247000148411086';
const SUBSCRIBER_PATH = `/connectivity-management/subscribers/api/subscribers/sim-serial/${ICCID}`;
const TOKEN = 'POST /authentication/api/token';
const subscriber = { simSerial: ICCID, status: 'Active', msisdn: '882470001850263' };

let servers: Awaited<ReturnType<typeof startScriptedServer>>[] = [];
afterEach(async () => {
  await Promise.all(servers.map((server) => server.close()));
  servers = [];
});

async function setup(
  routes: Record<string, ScriptedHandler>,
  overrides: Partial<TransatelClientConfig> = {},
) {
  const server = await startScriptedServer({ [TOKEN]: tokenOk(), ...routes });
  servers.push(server);
  const client = createTransatelClient({
    baseUrl: server.url,
    mvnoRef: 'M2MA_WW_TSL_TEST',
    cos: 'WW_M2MA_COS_IOT_CONNECT',
    ratePlan: 'M2MA_WW_TSL_IOTCONNECT_CAPPED',
    credentials: async () => ({ clientId: 'id', clientSecret: 'secret' }),
    retry: { baseDelayMs: 5, maxDelayMs: 20 },
    // Generous: only the tests of timeouts set a short one, so a busy machine does not fail the others.
    timeoutMs: 10_000,
    ...overrides,
  });
  return { server, client };
}

/** Answers from a list, one per request, repeating the last. */
function sequence(...handlers: ScriptedHandler[]): ScriptedHandler {
  let i = 0;
  return (req, res) => (handlers[Math.min(i++, handlers.length - 1)] as ScriptedHandler)(req, res);
}

const problem =
  (status: number, title: string, headers: Record<string, string> = {}): ScriptedHandler =>
  (_req, res) =>
    json(
      res,
      status,
      {
        type: `https://api.transatel.com/docs#errors/${title}`,
        title,
        status,
        detail: `${title} detail`,
        path: '/x',
      },
      {
        'x-tsl-request-id': 'req-123',
        ...headers,
      },
    );
const ok =
  (body: unknown): ScriptedHandler =>
  (_req, res) =>
    json(res, 200, body);
const hangUp: ScriptedHandler = (req, res) => {
  req.headers; // the request was received in full: the server "committed"
  res.socket?.destroy();
};

describe('reads', () => {
  it('retry on 5xx and 429, then succeed', async () => {
    const { server, client } = await setup({
      [`GET ${SUBSCRIBER_PATH}`]: sequence(
        problem(503, 'SERVICE_UNAVAILABLE'),
        problem(429, 'TOO_MANY_REQUESTS'),
        ok(subscriber),
      ),
    });
    await expect(client.connectivity.getSubscriber(ICCID)).resolves.toMatchObject({
      iccid: ICCID,
      status: 'Active',
    });
    expect(server.count('GET', SUBSCRIBER_PATH)).toBe(3);
  });

  it('honour Retry-After before the next attempt', async () => {
    const { server, client } = await setup({
      [`GET ${SUBSCRIBER_PATH}`]: sequence(
        problem(429, 'TOO_MANY_REQUESTS', { 'retry-after': '1' }),
        ok(subscriber),
      ),
    });
    await client.connectivity.getSubscriber(ICCID);
    const [first, second] = server.requests.filter((r) => r.path === SUBSCRIBER_PATH);
    expect((second?.at ?? 0) - (first?.at ?? 0)).toBeGreaterThanOrEqual(990);
  });

  it('give up when Retry-After is longer than the allowed wait, and carry it in the error', async () => {
    const { server, client } = await setup(
      { [`GET ${SUBSCRIBER_PATH}`]: problem(429, 'TOO_MANY_REQUESTS', { 'retry-after': '120' }) },
      { retry: { maxRetryAfterMs: 1_000 } },
    );
    const error = await client.connectivity.getSubscriber(ICCID).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransatelApiError);
    expect(error).toMatchObject({ status: 429, retryAfterMs: 120_000, transient: true });
    expect(server.count('GET', SUBSCRIBER_PATH)).toBe(1);
  });

  it('stop after maxAttempts with a transient error carrying status, title, detail and request id', async () => {
    const { server, client } = await setup(
      { [`GET ${SUBSCRIBER_PATH}`]: problem(500, 'INTERNAL_ERROR') },
      { retry: { maxAttempts: 3, baseDelayMs: 1 } },
    );
    const error = await client.connectivity.getSubscriber(ICCID).catch((e: unknown) => e);
    expect(error).toMatchObject({
      status: 500,
      title: 'INTERNAL_ERROR',
      detail: 'INTERNAL_ERROR detail',
      requestId: 'req-123',
      transient: true,
    });
    expect(server.count('GET', SUBSCRIBER_PATH)).toBe(3);
  });

  it('do not retry a permanent 4xx', async () => {
    const { server, client } = await setup({
      [`GET ${SUBSCRIBER_PATH}`]: problem(404, 'SUBSCRIBER_NOT_FOUND'),
    });
    const error = await client.connectivity.getSubscriber(ICCID).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransatelApiError);
    expect(error).toMatchObject({ status: 404, title: 'SUBSCRIBER_NOT_FOUND', permanent: true });
    expect(server.count('GET', SUBSCRIBER_PATH)).toBe(1);
  });

  it('time out every attempt and retry, ending with a network error', async () => {
    const { server, client } = await setup(
      { [`GET ${SUBSCRIBER_PATH}`]: () => {} /* never answers */ },
      { timeoutMs: 100, retry: { maxAttempts: 2, baseDelayMs: 1 } },
    );
    const error = await client.connectivity.getSubscriber(ICCID).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransatelNetworkError);
    expect(error).toMatchObject({ timedOut: true, transient: true });
    expect(server.count('GET', SUBSCRIBER_PATH)).toBe(2);
  });

  it('retry a connection reset', async () => {
    const { server, client } = await setup({ [`GET ${SUBSCRIBER_PATH}`]: sequence(hangUp, ok(subscriber)) });
    await expect(client.connectivity.getSubscriber(ICCID)).resolves.toMatchObject({ iccid: ICCID });
    expect(server.count('GET', SUBSCRIBER_PATH)).toBe(2);
  });

  it('time out an answer whose body stops coming, and retry', async () => {
    const stalls: ScriptedHandler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
      res.write('{"simSerial":');
    };
    const { server, client } = await setup(
      { [`GET ${SUBSCRIBER_PATH}`]: sequence(stalls, ok(subscriber)) },
      { timeoutMs: 1_000, retry: { baseDelayMs: 1 } },
    );
    await expect(client.connectivity.getSubscriber(ICCID)).resolves.toMatchObject({ iccid: ICCID });
    expect(server.count('GET', SUBSCRIBER_PATH)).toBe(2);
  });

  it('an answer cut off in the middle of its body is a network error, not a parse error', async () => {
    const cutOff: ScriptedHandler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
      res.write('{"simSerial":', () => res.socket?.destroy());
    };
    const { client } = await setup(
      { [`GET ${SUBSCRIBER_PATH}`]: cutOff },
      { retry: { maxAttempts: 2, baseDelayMs: 1 } },
    );
    const error = await client.connectivity.getSubscriber(ICCID).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransatelNetworkError);
    expect(error).toMatchObject({ timedOut: false, transient: true });
  });

  it('keeps one connection alive across calls', async () => {
    const { server, client } = await setup({ [`GET ${SUBSCRIBER_PATH}`]: ok(subscriber) });
    for (let i = 0; i < 5; i++) await client.connectivity.getSubscriber(ICCID);
    expect(server.connections()).toBe(1);
  });

  it('reject a 2xx read without what the flow cannot do without (a subscriber without status)', async () => {
    const { client } = await setup({ [`GET ${SUBSCRIBER_PATH}`]: ok({ nothing: true }) });
    const error = await client.connectivity.getSubscriber(ICCID).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransatelInvalidResponseError);
    expect((error as TransatelInvalidResponseError).issues.join()).toMatch(/status/);
  });
});

describe('creates are never retried blindly', () => {
  const ACTIVATE = `POST ${SUBSCRIBER_PATH}/activate`;
  const ORDER = 'POST /ocs/subscriptions/api/orders/products';

  it('a lost response after the commit is an unknown outcome, sent once', async () => {
    const { server, client } = await setup({ [ACTIVATE]: hangUp });
    const error = await client.connectivity.activate(ICCID).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransatelUnknownOutcomeError);
    expect(server.count('POST', `${SUBSCRIBER_PATH}/activate`)).toBe(1);
  });

  it('a 5xx on an OCS order is an unknown outcome, sent once', async () => {
    const { server, client } = await setup({ [ORDER]: problem(502, 'BAD_GATEWAY') });
    const error = await client.ocsSubscriptions
      .subscribe({ msisdn: '882470001850263', productId: 'P' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransatelUnknownOutcomeError);
    expect(error).toMatchObject({ status: 502, requestId: 'req-123' });
    expect(server.count('POST', '/ocs/subscriptions/api/orders/products')).toBe(1);
  });

  it('a timeout on a create is an unknown outcome, sent once', async () => {
    const { server, client } = await setup({ [ORDER]: () => {} }, { timeoutMs: 100 });
    const error = await client.ocsSubscriptions
      .preload({ msisdn: '882470001850263', productId: 'P' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransatelUnknownOutcomeError);
    expect(server.count('POST', '/ocs/subscriptions/api/orders/products')).toBe(1);
  });

  it('a 429 was refused at the gateway, so it is retried after Retry-After', async () => {
    const { server, client } = await setup({
      [ACTIVATE]: sequence(problem(429, 'TOO_MANY_REQUESTS', { 'retry-after': '0' }), (_req, res) =>
        json(res, 201, { transactionId: 'tx-1', simSerial: ICCID, transactionStatus: 'PENDING' }),
      ),
    });
    await expect(client.connectivity.activate(ICCID)).resolves.toEqual({
      transactionId: 'tx-1',
      iccid: ICCID,
      state: 'PENDING',
    });
    expect(server.count('POST', `${SUBSCRIBER_PATH}/activate`)).toBe(2);
  });

  it('a permanent error keeps Transatel title and detail', async () => {
    const { client } = await setup({ [ORDER]: problem(400, 'PRODUCT_NOT_ELIGIBLE') });
    const error = await client.ocsSubscriptions
      .preload({ msisdn: '882470001850263', productId: 'P' })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      kind: 'api',
      status: 400,
      title: 'PRODUCT_NOT_ELIGIBLE',
      detail: 'PRODUCT_NOT_ELIGIBLE detail',
      permanent: true,
    });
  });

  it('a refused connection proves nothing was sent, so a create may be retried', async () => {
    const { server, client } = await setup({});
    await server.close();
    const error = await client.connectivity.activate(ICCID).catch((e: unknown) => e);
    // The token request itself cannot connect: a plain network error, not an unknown outcome.
    expect(error).toBeInstanceOf(TransatelNetworkError);
  });
});

describe('token', () => {
  it('is fetched once for 100 concurrent calls', async () => {
    const tokens = { n: 0 };
    const { client } = await setup({
      [TOKEN]: async (req, res) => {
        await new Promise((resolve) => setTimeout(resolve, 50));
        tokenOk(3600, tokens)(req, res);
      },
      [`GET ${SUBSCRIBER_PATH}`]: ok(subscriber),
    });
    await Promise.all(Array.from({ length: 100 }, () => client.connectivity.getSubscriber(ICCID)));
    expect(tokens.n).toBe(1);
    expect(client.tokenRequests).toBe(1);
  });

  it('is sent as HTTP Basic with the form body of the client-credentials grant', async () => {
    const { server, client } = await setup({ [`GET ${SUBSCRIBER_PATH}`]: ok(subscriber) });
    await client.connectivity.getSubscriber(ICCID);
    const tokenRequest = server.requests.find((r) => r.path === '/authentication/api/token');
    expect(tokenRequest?.headers.authorization).toBe(`Basic ${Buffer.from('id:secret').toString('base64')}`);
    expect(tokenRequest?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(tokenRequest?.body).toBe('grant_type=client_credentials');
    const apiRequest = server.requests.find((r) => r.path === SUBSCRIBER_PATH);
    expect(apiRequest?.headers.authorization).toMatch(/^Bearer token-/);
  });

  it('is renewed shortly before it expires', async () => {
    const tokens = { n: 0 };
    const { client } = await setup({
      [TOKEN]: tokenOk(1, tokens),
      [`GET ${SUBSCRIBER_PATH}`]: ok(subscriber),
    });
    await client.connectivity.getSubscriber(ICCID);
    await client.connectivity.getSubscriber(ICCID);
    expect(tokens.n).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await client.connectivity.getSubscriber(ICCID);
    expect(tokens.n).toBe(2);
  });

  it('is dropped on a 401 and the call retried once with a new one', async () => {
    const tokens = { n: 0 };
    const { server, client } = await setup({
      [TOKEN]: tokenOk(3600, tokens),
      [`GET ${SUBSCRIBER_PATH}`]: sequence(problem(401, 'UNAUTHORIZED'), ok(subscriber)),
    });
    await expect(client.connectivity.getSubscriber(ICCID)).resolves.toMatchObject({ iccid: ICCID });
    expect(tokens.n).toBe(2);
    const bearers = server.requests
      .filter((r) => r.path === SUBSCRIBER_PATH)
      .map((r) => r.headers.authorization);
    expect(bearers[0]).not.toBe(bearers[1]);
  });

  it('a second 401 in a row is an error, not a loop', async () => {
    const tokens = { n: 0 };
    const { server, client } = await setup({
      [TOKEN]: tokenOk(3600, tokens),
      [`GET ${SUBSCRIBER_PATH}`]: problem(401, 'UNAUTHORIZED'),
    });
    await expect(client.connectivity.getSubscriber(ICCID)).rejects.toMatchObject({ status: 401 });
    expect(server.count('GET', SUBSCRIBER_PATH)).toBe(2);
    expect(tokens.n).toBe(2);
  });

  it('reloads rotated credentials once when the token endpoint refuses them', async () => {
    const asked: (boolean | undefined)[] = [];
    const { client } = await setup(
      {
        [TOKEN]: (req, res) =>
          req.headers.authorization === `Basic ${Buffer.from('id:new-secret').toString('base64')}`
            ? tokenOk()(req, res)
            : json(res, 401, { error: 'invalid_client', error_description: 'Bad client credentials' }),
        [`GET ${SUBSCRIBER_PATH}`]: ok(subscriber),
      },
      {
        credentials: async (options) => {
          asked.push(options?.forceRefresh);
          return { clientId: 'id', clientSecret: options?.forceRefresh ? 'new-secret' : 'old-secret' };
        },
      },
    );
    await expect(client.connectivity.getSubscriber(ICCID)).resolves.toMatchObject({ iccid: ICCID });
    expect(asked).toEqual([undefined, true]);
  });

  it('bad credentials end in a permanent auth error without leaking the secret', async () => {
    const { client } = await setup({
      [TOKEN]: (_req, res) =>
        json(res, 401, { error: 'invalid_client', error_description: 'Bad client credentials' }),
    });
    const error = await client.connectivity.getSubscriber(ICCID).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransatelAuthError);
    expect(error).toMatchObject({ status: 401, title: 'invalid_client', permanent: true });
    expect(JSON.stringify(error)).not.toContain('secret"');
    expect(String(error)).not.toContain('old-secret');
  });
});

describe('rate limits', () => {
  it('429s have their own allowance: a call refused 5 times still succeeds with maxAttempts 2', async () => {
    const throttle = problem(429, 'TOO_MANY_REQUESTS', { 'retry-after': '0' });
    const { server, client } = await setup(
      {
        [`GET ${SUBSCRIBER_PATH}`]: sequence(
          throttle,
          throttle,
          throttle,
          throttle,
          throttle,
          ok(subscriber),
        ),
      },
      { retry: { maxAttempts: 2, baseDelayMs: 1 } },
    );
    await expect(client.connectivity.getSubscriber(ICCID)).resolves.toMatchObject({ iccid: ICCID });
    expect(server.count('GET', SUBSCRIBER_PATH)).toBe(6);
  });

  it('a create refused with 429 is sent again, and only once more than it was refused', async () => {
    const throttle = problem(429, 'TOO_MANY_REQUESTS', { 'retry-after': '0' });
    const { server, client } = await setup({
      'POST /ocs/subscriptions/api/orders/products': sequence(throttle, throttle, (_req, res) =>
        json(res, 201, { id: 'o-1', status: 'done', subscriptionId: 's-1' }),
      ),
    });
    await expect(
      client.ocsSubscriptions.subscribe({ msisdn: '882470001850263', productId: 'P' }),
    ).resolves.toMatchObject({
      subscriptionId: 's-1',
    });
    expect(server.count('POST', '/ocs/subscriptions/api/orders/products')).toBe(3);
  });

  it('paces requests to maxRequestsPerSecond', async () => {
    const { server, client } = await setup(
      { [`GET ${SUBSCRIBER_PATH}`]: ok(subscriber) },
      { maxRequestsPerSecond: 50 },
    );
    await Promise.all(Array.from({ length: 20 }, () => client.connectivity.getSubscriber(ICCID)));
    const times = server.requests.map((request) => request.at);
    // 21 requests (token included) at 50/s span at least 20 intervals of 20 ms.
    expect(Math.max(...times) - Math.min(...times)).toBeGreaterThanOrEqual(380);
  });
});
