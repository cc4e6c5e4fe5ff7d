import { describe, expect, it } from 'vitest';
import { toReply } from '#local/gateway.js';
import { apiGatewayTime, createRouter, isTextContentType } from '#local/http-event.js';
import { routes } from '#shared/topology.js';

describe('route matching', () => {
  const match = createRouter(routes);

  it('matches every topology route and extracts its parameters', () => {
    expect(match('POST', '/v1/sims/8988247000000000001/activation')).toEqual({
      kind: 'found',
      route: expect.objectContaining({ function: 'activation-api' }),
      routeKey: 'POST /v1/sims/{iccid}/activation',
      pathParameters: { iccid: '8988247000000000001' },
    });
    expect(match('GET', '/v1/sims')).toMatchObject({
      kind: 'found',
      routeKey: 'GET /v1/sims',
      pathParameters: {},
    });
    expect(match('PATCH', '/v1/sims/1')).toMatchObject({ kind: 'found', routeKey: 'PATCH /v1/sims/{iccid}' });
  });

  it('lists the allowed methods of a known path, and finds nothing for an unknown one', () => {
    expect(match('PUT', '/v1/sims/1')).toEqual({ kind: 'methodNotAllowed', allow: ['GET', 'PATCH'] });
    expect(match('GET', '/v1/sims/1/unknown')).toEqual({ kind: 'notFound' });
    expect(match('GET', '/v1/orders/')).toEqual({ kind: 'notFound' });
    expect(match('GET', '/v1/sims/')).toEqual({ kind: 'notFound' });
  });

  it('prefers a literal segment over a parameter, and a parameter over a greedy one', () => {
    const custom = createRouter([
      { method: 'GET', path: '/files/{key+}', function: 'orders-api', auth: 'iam' },
      { method: 'GET', path: '/files/{id}', function: 'sims-api', auth: 'iam' },
      { method: 'GET', path: '/files/latest', function: 'catalog-api', auth: 'iam' },
    ]);
    expect(custom('GET', '/files/latest')).toMatchObject({ route: { function: 'catalog-api' } });
    expect(custom('GET', '/files/a%20b')).toMatchObject({
      route: { function: 'sims-api' },
      pathParameters: { id: 'a b' },
    });
    expect(custom('GET', '/files/a/b')).toMatchObject({
      route: { function: 'orders-api' },
      pathParameters: { key: 'a/b' },
    });
  });
});

describe('event details', () => {
  it('treats JSON, XML, form and text/* as text and the rest as binary', () => {
    for (const type of [
      'application/json',
      'application/problem+json; charset=utf-8',
      'text/plain',
      'application/x-www-form-urlencoded',
      'application/soap+xml',
    ]) {
      expect(isTextContentType(type)).toBe(true);
    }
    for (const type of [
      undefined,
      '',
      'application/octet-stream',
      'image/png',
      'multipart/form-data; boundary=x',
    ]) {
      expect(isTextContentType(type)).toBe(false);
    }
  });

  it('formats requestContext.time as API Gateway does', () => {
    expect(apiGatewayTime(new Date(Date.UTC(2020, 2, 2, 9, 3, 58)))).toBe('02/Mar/2020:09:03:58 +0000');
  });
});

describe('reading a Lambda result as API Gateway does', () => {
  it('takes a structured result as the response', () => {
    expect(toReply({ statusCode: 204 })).toEqual({ statusCode: 204, headers: {} });
    expect(toReply({ statusCode: 200, headers: { 'X-A': 1 }, body: 'aGk=', isBase64Encoded: true })).toEqual({
      statusCode: 200,
      headers: { 'x-a': '1' },
      body: Buffer.from('hi'),
    });
  });

  it('answers 200 JSON for anything else, and nothing for an invalid status', () => {
    expect(toReply({ a: 1 })?.body?.toString()).toBe('{"a":1}');
    expect(toReply('text')).toMatchObject({ statusCode: 200, body: Buffer.from('text') });
    expect(toReply(undefined)?.body?.toString()).toBe('null');
    expect(toReply({ statusCode: 'x' })).toBeUndefined();
    expect(toReply({ statusCode: 42 })).toBeUndefined();
  });
});
