import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { type AwsAnswer, type AwsExchange, AwsRequestError } from '#shared/aws-request.js';
import { S3Objects } from '#shared/store/s3-objects.js';

const CREDENTIALS = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
  sessionToken: 'TOKEN',
};
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** SigV4 header signing written out from AWS's description (S3: the path as sent), to check the requests against. */
function expectedAuthorization(exchange: AwsExchange, region: string): string {
  const headers = { ...exchange.headers, host: exchange.url.host };
  const names = Object.keys(headers)
    .map((name) => name.toLowerCase())
    .filter((name) => name !== 'authorization')
    .sort();
  const lower = Object.fromEntries(
    Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]),
  );
  const canonical = [
    exchange.method,
    exchange.url.pathname,
    '',
    ...names.map((name) => `${name}:${String(lower[name]).trim()}`),
    '',
    names.join(';'),
    lower['x-amz-content-sha256'],
  ].join('\n');
  const amzDate = lower['x-amz-date'] as string;
  const day = amzDate.slice(0, 8);
  const scope = `${day}/${region}/s3/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonical)].join('\n');
  const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();
  const key = hmac(hmac(hmac(hmac(`AWS4${CREDENTIALS.secretAccessKey}`, day), region), 's3'), 'aws4_request');
  const signature = createHmac('sha256', key).update(toSign).digest('hex');
  return `AWS4-HMAC-SHA256 Credential=${CREDENTIALS.accessKeyId}/${scope}, SignedHeaders=${names.join(';')}, Signature=${signature}`;
}

function objects(answers: (AwsAnswer | Error)[], endpoint?: string) {
  const sent: AwsExchange[] = [];
  const pauses: number[] = [];
  const store = new S3Objects({
    bucket: 'iot-capped-plans-dev-reports',
    region: 'eu-west-1',
    credentials: async () => CREDENTIALS,
    endpoint,
    send: async (exchange) => {
      sent.push(exchange);
      const answer = answers.shift() ?? { status: 200, text: '' };
      if (answer instanceof Error) throw answer;
      return answer;
    },
    backoffMs: (attempt) => {
      pauses.push(attempt);
      return 0;
    },
  });
  return { store, sent, pauses };
}

const s3Error = (status: number, code: string) => ({
  status,
  text: `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>as S3 says</Message></Error>`,
});

describe('S3Objects', () => {
  it('signs a PUT with the body’s hash, its content headers and the session token, virtual-hosted on AWS', async () => {
    const { store, sent } = objects([]);
    const body = 'iccid,planId\r\n89330000000000000011,PLAN\r\n';
    await store.put('rpt_0123/plans-expiring.csv', body, {
      contentType: 'text/csv',
      contentDisposition: 'attachment; filename="plans-expiring.csv"',
    });
    const [put] = sent;
    if (!put) throw new Error('nothing sent');
    expect(put.method).toBe('PUT');
    expect(put.url.toString()).toBe(
      'https://iot-capped-plans-dev-reports.s3.eu-west-1.amazonaws.com/rpt_0123/plans-expiring.csv',
    );
    expect(put.body).toBe(body);
    expect(put.headers).toMatchObject({
      'content-type': 'text/csv',
      'content-disposition': 'attachment; filename="plans-expiring.csv"',
      'x-amz-content-sha256': sha256(body),
      'x-amz-security-token': 'TOKEN',
    });
    expect(put.headers['x-amz-date']).toMatch(/^\d{8}T\d{6}Z$/);
    expect(put.headers.authorization).toBe(expectedAuthorization(put, 'eu-west-1'));
    expect(put.headers.authorization).toContain(
      'SignedHeaders=content-disposition;content-type;host;x-amz-content-sha256;x-amz-date;x-amz-security-token,',
    );
  });

  it('is path-style on an S3-compatible endpoint, and reads an object as text', async () => {
    const { store, sent } = objects([{ status: 200, text: '{"a":1}' }], 'http://127.0.0.1:4566/');
    expect(await store.get('rpt_0123/report.json')).toBe('{"a":1}');
    const [get] = sent;
    if (!get) throw new Error('nothing sent');
    expect(get.method).toBe('GET');
    expect(get.url.toString()).toBe(
      'http://127.0.0.1:4566/iot-capped-plans-dev-reports/rpt_0123/report.json',
    );
    expect(get.body).toBeUndefined();
    expect(get.headers['x-amz-content-sha256']).toBe(sha256(''));
    expect(get.headers.authorization).toBe(expectedAuthorization(get, 'eu-west-1'));
  });

  it('answers undefined for a missing key, but surfaces a missing bucket and a refusal', async () => {
    expect(await objects([s3Error(404, 'NoSuchKey')]).store.get('rpt_x/report.json')).toBeUndefined();
    expect(await objects([{ status: 404, text: '' }]).store.get('rpt_x/report.json')).toBeUndefined();

    const noBucket = objects([s3Error(404, 'NoSuchBucket')]);
    const error = await noBucket.store.get('rpt_x/report.json').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AwsRequestError);
    expect(error).toMatchObject({ name: 'NoSuchBucket', code: 'NoSuchBucket', status: 404 });
    expect((error as Error).message).toBe('S3 GET rpt_x/report.json: 404 NoSuchBucket: as S3 says');

    const denied = objects([s3Error(403, 'AccessDenied')]);
    await expect(denied.store.put('k', 'v', { contentType: 'text/plain' })).rejects.toMatchObject({
      name: 'AccessDenied',
      status: 403,
    });
    expect(denied.sent).toHaveLength(1);
  });

  it('tries again after a 5xx, a 429 or a network error, signed anew, three attempts in all', async () => {
    const retried = objects([
      s3Error(503, 'SlowDown'),
      new Error('socket hang up'),
      { status: 200, text: 'ok' },
    ]);
    expect(await retried.store.get('k')).toBe('ok');
    expect(retried.sent).toHaveLength(3);
    expect(retried.pauses).toEqual([2, 3]);

    const failing = objects([
      s3Error(500, 'InternalError'),
      s3Error(429, 'SlowDown'),
      s3Error(500, 'InternalError'),
    ]);
    await expect(failing.store.put('k', 'v', { contentType: 'text/plain' })).rejects.toMatchObject({
      name: 'InternalError',
      status: 500,
    });
    expect(failing.sent).toHaveLength(3);

    const lost = objects([new Error('a'), new Error('b'), new Error('c')]);
    await expect(lost.store.get('k')).rejects.toThrow('c');
  });

  it('presigns a GET of an object for the same bucket and endpoint', async () => {
    const url = new URL(await objects([], 'http://127.0.0.1:4566').store.presignGet('rpt_1/usage.json', 60));
    expect(`${url.origin}${url.pathname}`).toBe(
      'http://127.0.0.1:4566/iot-capped-plans-dev-reports/rpt_1/usage.json',
    );
    expect(url.searchParams.get('X-Amz-Expires')).toBe('60');
    expect(url.searchParams.get('X-Amz-Security-Token')).toBe('TOKEN');
  });
});
