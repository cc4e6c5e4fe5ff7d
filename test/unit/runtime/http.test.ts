import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, expectTypeOf, it, vi } from 'vitest';
import * as z from 'zod';
import { HttpError, httpHandler, json, noContent, problemTypes } from '#shared/lambda/http.js';
import { logger } from '#shared/lambda/logger.js';
import { type CaptureLogs, captureLogs } from '#test/support/log-capture.js';
import { httpEvent, lambdaContext } from './lambda-fixtures.js';

const iccid = z.string().regex(/^[0-9]{19,20}$/, 'must be 19 or 20 digits');

const activationSpec = {
  params: z.object({ iccid }),
  query: z.object({ dryRun: z.enum(['true', 'false']).optional() }),
  headers: z.object({ 'idempotency-key': z.string().min(1).max(255) }),
  body: z
    .object({
      planId: z.string().min(1).optional(),
      sims: z.array(z.object({ iccid })).max(5).default([]),
    })
    .strict(),
};

const validIccid = '89330000000000000011';

function activationEvent(overrides: Parameters<typeof httpEvent>[0] = {}) {
  return httpEvent({
    path: `/v1/sims/${validIccid}/activation`,
    routeKey: 'POST /v1/sims/{iccid}/activation',
    pathParameters: { iccid: validIccid },
    headers: { 'content-type': 'application/json', 'idempotency-key': 'key-1' },
    body: JSON.stringify({ planId: 'PLAN_FR_1GB' }),
    ...overrides,
  });
}

const activation = httpHandler(activationSpec, async (input) => {
  expectTypeOf(input.params.iccid).toEqualTypeOf<string>();
  expectTypeOf(input.body.sims).toEqualTypeOf<{ iccid: string }[]>();
  expectTypeOf(input.headers['idempotency-key']).toEqualTypeOf<string>();
  return json(202, { iccid: input.params.iccid, planId: input.body.planId, sims: input.body.sims.length });
});

function parseBody(response: { body?: string }): Record<string, unknown> {
  return JSON.parse(response.body ?? 'null') as Record<string, unknown>;
}

let logs: CaptureLogs;
beforeEach(() => {
  logs = captureLogs();
  logger.setLogLevel('INFO');
});
afterEach(() => logs.restore());

describe('httpHandler', () => {
  it('hands validated input to the route and serialises its JSON result', async () => {
    const response = await activation(activationEvent(), lambdaContext());
    expect(response.statusCode).toBe(202);
    expect(response.headers?.['content-type']).toBe('application/json');
    expect(parseBody(response)).toEqual({ iccid: validIccid, planId: 'PLAN_FR_1GB', sims: 0 });
  });

  it('normalises header names before validating them', async () => {
    const response = await activation(
      activationEvent({
        headers: { 'Content-Type': 'application/json; charset=utf-8', 'Idempotency-Key': 'k' },
      }),
      lambdaContext(),
    );
    expect(response.statusCode).toBe(202);
  });

  it('decodes a base64 body', async () => {
    const body = Buffer.from(JSON.stringify({ planId: 'B64' })).toString('base64');
    const response = await activation(activationEvent({ body, isBase64Encoded: true }), lambdaContext());
    expect(parseBody(response)).toMatchObject({ planId: 'B64' });
  });

  it('answers 400 malformed-json for a body that is not JSON', async () => {
    const response = await activation(activationEvent({ body: '{"planId": ' }), lambdaContext());
    expect(response.statusCode).toBe(400);
    expect(response.headers?.['content-type']).toBe('application/problem+json');
    expect(parseBody(response)).toEqual({
      type: problemTypes.malformedJson,
      title: 'Malformed JSON',
      status: 400,
      detail: 'body: is not valid JSON',
      instance: `/v1/sims/${validIccid}/activation`,
      errors: [{ path: 'body', message: 'is not valid JSON' }],
    });
  });

  it('answers 400 for a body that is not declared as JSON', async () => {
    const response = await activation(
      activationEvent({ headers: { 'content-type': 'text/plain', 'idempotency-key': 'k' } }),
      lambdaContext(),
    );
    expect(response.statusCode).toBe(400);
    expect(parseBody(response)).toMatchObject({
      type: problemTypes.unsupportedContentType,
      detail: 'content-type: must be application/json',
    });
  });

  it('answers 413 for a body over the limit, before parsing it', async () => {
    const big = JSON.stringify({ planId: 'x'.repeat(300 * 1024) });
    const response = await activation(activationEvent({ body: big }), lambdaContext());
    expect(response.statusCode).toBe(413);
    expect(parseBody(response)).toMatchObject({
      type: problemTypes.payloadTooLarge,
      status: 413,
      detail: 'body: must not exceed 262144 bytes',
    });
  });

  it('applies a route-specific limit to the decoded size', async () => {
    const small = httpHandler({ body: z.object({ note: z.string() }), maxBodyBytes: 64 }, async () =>
      noContent(),
    );
    const body = JSON.stringify({ note: 'é'.repeat(40) });
    const asBase64 = Buffer.from(body).toString('base64');
    const headers = { 'content-type': 'application/json' };
    expect((await small(httpEvent({ body, headers }), lambdaContext())).statusCode).toBe(413);
    expect(
      (await small(httpEvent({ body: asBase64, headers, isBase64Encoded: true }), lambdaContext()))
        .statusCode,
    ).toBe(413);
    expect((await small(httpEvent({ body: '{"note":"ok"}', headers }), lambdaContext())).statusCode).toBe(
      204,
    );
  });

  it.each([
    ['a bad path parameter', { pathParameters: { iccid: '123' } }, 'params.iccid', 'must be 19 or 20 digits'],
    [
      'a bad query parameter',
      { query: { dryRun: 'maybe' } },
      'query.dryRun',
      'Invalid option: expected one of "true"|"false"',
    ],
    [
      'a missing header',
      { headers: { 'content-type': 'application/json' } },
      'headers.idempotency-key',
      'is required',
    ],
    [
      'a bad array item',
      {
        body: JSON.stringify({
          sims: [{ iccid: validIccid }, { iccid: validIccid }, { iccid: validIccid }, { iccid: 'x' }],
        }),
      },
      'body.sims[3].iccid',
      'must be 19 or 20 digits',
    ],
    [
      'a wrong type',
      { body: JSON.stringify({ planId: 42 }) },
      'body.planId',
      'Invalid input: expected string, received number',
    ],
    [
      'an unknown field',
      { body: JSON.stringify({ planId: 'P', extra: true }) },
      'body.extra',
      'is not allowed',
    ],
    ['a missing body', { body: undefined }, 'body', 'is required'],
    ['an empty body', { body: '' }, 'body', 'is required'],
    ['a JSON null body', { body: 'null' }, 'body', 'Invalid input: expected object, received null'],
  ])('answers 400 naming the field for %s', async (_case, overrides, path, message) => {
    const response = await activation(activationEvent(overrides), lambdaContext());
    expect(response.statusCode).toBe(400);
    expect(response.headers?.['content-type']).toBe('application/problem+json');
    const problem = parseBody(response);
    expect(problem).toMatchObject({ type: problemTypes.validation, title: 'Invalid request', status: 400 });
    expect(problem.errors).toEqual([{ path, message }]);
    expect(problem.detail).toBe(`${path}: ${message}`);
  });

  it('reports every invalid field of every part together', async () => {
    const response = await activation(
      activationEvent({
        pathParameters: { iccid: 'nope' },
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ sims: [{ iccid: 'bad' }] }),
      }),
      lambdaContext(),
    );
    const problem = parseBody(response);
    expect((problem.errors as { path: string }[]).map((issue) => issue.path)).toEqual([
      'params.iccid',
      'headers.idempotency-key',
      'body.sims[0].iccid',
    ]);
  });

  it('caps the reported issues of a huge bulk request', async () => {
    const bulk = httpHandler({ body: z.object({ sims: z.array(z.object({ iccid })) }) }, async () =>
      noContent(),
    );
    const body = JSON.stringify({ sims: Array.from({ length: 500 }, () => ({ iccid: 'x' })) });
    const response = await bulk(
      httpEvent({ body, headers: { 'content-type': 'application/json' } }),
      lambdaContext(),
    );
    const problem = parseBody(response);
    expect(problem.errors).toHaveLength(100);
    expect(problem.detail).toMatch(/; and 490 more$/);
  });

  it('turns a thrown HttpError into its problem, with its headers', async () => {
    const conflict = httpHandler({}, async () => {
      throw new HttpError(409, {
        detail: 'Idempotency-Key key-1 was used with another request',
        headers: { 'retry-after': '5' },
      });
    });
    const notFound = httpHandler({}, async () => {
      throw HttpError.notFound('Order 01ABC does not exist');
    });

    const conflictResponse = await conflict(httpEvent({ path: '/v1/x' }), lambdaContext());
    expect(conflictResponse.statusCode).toBe(409);
    expect(conflictResponse.headers).toMatchObject({
      'retry-after': '5',
      'content-type': 'application/problem+json',
    });
    expect(parseBody(conflictResponse)).toEqual({
      type: problemTypes.conflict,
      title: 'Conflict',
      status: 409,
      detail: 'Idempotency-Key key-1 was used with another request',
      instance: '/v1/x',
    });
    expect(parseBody(await notFound(httpEvent(), lambdaContext()))).toMatchObject({
      type: problemTypes.notFound,
      status: 404,
      detail: 'Order 01ABC does not exist',
    });
  });

  it('puts extension members at the top level of the problem, and refuses one named like a standard member', async () => {
    const busy = httpHandler({}, async () => {
      throw new HttpError(409, {
        type: problemTypes.simHasOpenOrder,
        title: 'SIM_HAS_OPEN_ORDER',
        detail: 'SIM 1 has an open order A',
        extensions: { openOrderId: 'A' },
      });
    });
    expect(parseBody(await busy(httpEvent({ path: '/v1/y' }), lambdaContext()))).toEqual({
      type: 'urn:problem:sim-has-open-order',
      title: 'SIM_HAS_OPEN_ORDER',
      status: 409,
      detail: 'SIM 1 has an open order A',
      instance: '/v1/y',
      openOrderId: 'A',
    });
    expect(() => new HttpError(409, { detail: 'x', extensions: { status: 200, errors: [] } })).toThrow(
      /may not replace status, errors/,
    );
  });

  it('turns an unexpected error into an opaque 500 and logs it', async () => {
    const failing = httpHandler({}, async () => {
      throw new Error('connect ECONNREFUSED 10.0.0.7:5432 password=hunter2');
    });
    const response = await failing(httpEvent({ path: '/v1/boom' }), lambdaContext());
    expect(response.statusCode).toBe(500);
    expect(parseBody(response)).toEqual({
      type: problemTypes.internal,
      title: 'Internal Server Error',
      status: 500,
      detail: 'An unexpected error occurred.',
      instance: '/v1/boom',
    });
    expect(response.body).not.toContain('ECONNREFUSED');
    const logged = logs.lines().find((line) => line.message === 'unhandled error');
    expect(logged).toMatchObject({
      level: 'ERROR',
      error: { message: expect.stringContaining('ECONNREFUSED') },
    });
  });

  it('answers 503 with Retry-After when the function runs out of time, never 500', async () => {
    const slow = httpHandler({}, () => new Promise<never>(() => undefined));
    vi.useFakeTimers();
    try {
      const pending = slow(
        httpEvent({ path: '/v1/activations' }),
        lambdaContext({ getRemainingTimeInMillis: () => 1_000 }),
      );
      await vi.advanceTimersByTimeAsync(1_000);
      const response = await pending;
      expect(response.statusCode).toBe(503);
      expect(response.headers).toMatchObject({ 'retry-after': '1' });
      expect(parseBody(response)).toMatchObject({
        type: problemTypes.unavailable,
        status: 503,
        detail: expect.stringContaining('same Idempotency-Key'),
      });
    } finally {
      vi.useRealTimers();
    }
    expect(logs.lines().find((line) => line.message === 'function timed out before answering')).toBeDefined();
  });

  it('logs one line per request with the request and SIM identifiers', async () => {
    await activation(activationEvent(), lambdaContext());
    const completed = logs.lines().find((line) => line.message === 'request completed');
    expect(completed).toMatchObject({
      statusCode: 202,
      method: 'POST',
      path: `/v1/sims/${validIccid}/activation`,
      correlation_id: 'api-request-1',
      iccid: validIccid,
      function_request_id: 'aws-request-1',
    });
    logs.clear();
    await activation(activationEvent({ pathParameters: { iccid: '123' } }), lambdaContext());
    const rejected = logs
      .lines()
      .filter((line) => line.message === 'request completed')
      .at(-1);
    expect(rejected).toMatchObject({ statusCode: 400 });
    expect(rejected).not.toHaveProperty('iccid');
  });

  it('passes raw bytes and leaves the body unparsed when the route has no body schema', async () => {
    const webhook = httpHandler({}, async (input) => {
      expectTypeOf(input.body).toEqualTypeOf<undefined>();
      return json(200, { length: input.rawBody?.length, text: input.rawBody?.toString('utf8') });
    });
    const response = await webhook(
      httpEvent({ body: 'not json at all', headers: { 'content-type': 'text/plain' } }),
      lambdaContext(),
    );
    expect(parseBody(response)).toEqual({ length: 15, text: 'not json at all' });
  });

  it('passes a string body with its own content-type through', async () => {
    const text = httpHandler({}, async () => ({
      statusCode: 200,
      body: 'plain',
      headers: { 'Content-Type': 'text/plain' },
    }));
    const response = await text(httpEvent(), lambdaContext());
    expect(response).toEqual({ statusCode: 200, body: 'plain', headers: { 'Content-Type': 'text/plain' } });
  });
});

describe('httpHandler under random input', () => {
  const strictRoute = httpHandler(
    {
      params: z.object({ iccid }),
      query: z.object({ page: z.coerce.number().int().min(0).optional() }).strict(),
      body: z
        .object({
          planId: z.string().min(1).max(50),
          options: z
            .array(z.object({ name: z.string().min(1), value: z.enum(['on', 'off']) }))
            .max(10)
            .optional(),
          reference: z.string().max(255).optional(),
        })
        .strict(),
      maxBodyBytes: 4 * 1024,
    },
    async (input) => json(202, { accepted: input.body.planId }),
  );

  const contentTypes = fc.constantFrom(
    undefined,
    'application/json',
    'application/json; charset=utf-8',
    'application/problem+json',
    'text/plain',
    'application/x-www-form-urlencoded',
    '',
  );
  const validBody = fc
    .record(
      {
        planId: fc.string({ minLength: 1, maxLength: 50 }),
        options: fc.array(
          fc.record({ name: fc.string({ minLength: 1 }), value: fc.constantFrom('on', 'off') }),
          {
            maxLength: 3,
          },
        ),
        reference: fc.string({ maxLength: 30 }),
      },
      { requiredKeys: ['planId'] },
    )
    .map((value) => JSON.stringify(value));
  const anyBody = fc.oneof(
    validBody,
    fc.string({ maxLength: 200 }),
    fc.json({ maxDepth: 4 }),
    fc.anything({ maxDepth: 3 }).map((value) => JSON.stringify(value) ?? ''),
    fc
      .record(
        { planId: fc.anything(), options: fc.anything(), reference: fc.anything() },
        { requiredKeys: [] },
      )
      .map((value) => JSON.stringify(value)),
    fc.string({ minLength: 4 * 1024, maxLength: 6 * 1024 }),
  );

  it('never answers 5xx, whatever the body, headers, params or query', async () => {
    logger.setLogLevel('SILENT');
    const statuses = new Set<number>();
    await fc.assert(
      fc.asyncProperty(
        anyBody,
        fc.oneof(
          { weight: 3, arbitrary: fc.constant('application/json') },
          { weight: 1, arbitrary: contentTypes },
        ),
        fc.boolean(),
        fc.dictionary(fc.string({ maxLength: 10 }), fc.string({ maxLength: 20 }), { maxKeys: 3 }),
        fc.oneof(fc.constant(validIccid), fc.constant(undefined), fc.string({ maxLength: 25 })),
        async (body, contentType, base64, query, iccidParam) => {
          const response = await strictRoute(
            httpEvent({
              body: base64 ? Buffer.from(body).toString('base64') : body,
              isBase64Encoded: base64,
              headers: contentType === undefined ? {} : { 'content-type': contentType },
              query,
              ...(iccidParam === undefined ? {} : { pathParameters: { iccid: iccidParam } }),
            }),
            lambdaContext(),
          );
          expect(response.statusCode).toBeLessThan(500);
          statuses.add(response.statusCode);
          if (response.statusCode >= 400) {
            expect(response.headers?.['content-type']).toBe('application/problem+json');
            const problem = parseBody(response);
            expect(problem.status).toBe(response.statusCode);
            expect(typeof problem.detail).toBe('string');
          }
        },
      ),
      { numRuns: 500 },
    );
    // The arbitraries reach the success path and each kind of rejection.
    expect([...statuses].sort()).toEqual([202, 400, 413]);
  });
});
