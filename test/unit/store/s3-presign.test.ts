import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { presignGetUrl } from '#shared/store/s3-presign.js';

/** SigV4 query-string signing written out from AWS's description, to check the presigned URLs against. */
function expectedSignature(url: URL, secretAccessKey: string, region: string): string {
  const params = [...url.searchParams.entries()]
    .filter(([name]) => name !== 'X-Amz-Signature')
    .map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`)
    .sort();
  const canonical = [
    'GET',
    url.pathname,
    params.join('&'),
    `host:${url.host}`,
    '',
    'host',
    'UNSIGNED-PAYLOAD',
  ].join('\n');
  const amzDate = url.searchParams.get('X-Amz-Date') as string;
  const day = amzDate.slice(0, 8);
  const scope = `${day}/${region}/s3/aws4_request`;
  const toSign = [
    'AWS4-HMAC-SHA256',
    amzDate,
    scope,
    createHash('sha256').update(canonical).digest('hex'),
  ].join('\n');
  const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();
  const key = hmac(hmac(hmac(hmac(`AWS4${secretAccessKey}`, day), region), 's3'), 'aws4_request');
  return createHmac('sha256', key).update(toSign).digest('hex');
}

const NOW = new Date('2026-12-06T10:00:00.000Z');

describe('presignGetUrl', () => {
  it('signs a virtual-hosted GET on AWS, host only, unsigned payload, for the given time', async () => {
    const url = new URL(
      await presignGetUrl({
        bucket: 'iot-capped-plans-dev-reports',
        key: 'rpt_0123/plans-expiring.csv',
        region: 'eu-west-1',
        credentials: {
          accessKeyId: 'AKIDEXAMPLE',
          secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
        },
        expiresInSeconds: 900,
        now: NOW,
      }),
    );
    expect(url.origin).toBe('https://iot-capped-plans-dev-reports.s3.eu-west-1.amazonaws.com');
    expect(url.pathname).toBe('/rpt_0123/plans-expiring.csv');
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
      'X-Amz-Content-Sha256': 'UNSIGNED-PAYLOAD',
      'X-Amz-Credential': 'AKIDEXAMPLE/20261206/eu-west-1/s3/aws4_request',
      'X-Amz-Date': '20261206T100000Z',
      'X-Amz-Expires': '900',
      'X-Amz-SignedHeaders': 'host',
    });
    expect(url.searchParams.get('X-Amz-Signature')).toBe(
      expectedSignature(url, 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', 'eu-west-1'),
    );
  });

  it('is path-style on an S3-compatible endpoint, and carries a session token', async () => {
    const url = new URL(
      await presignGetUrl({
        bucket: 'local-reports',
        key: 'rpt_0123/data-low.json',
        region: 'us-east-1',
        credentials: async () => ({ accessKeyId: 'local', secretAccessKey: 'local', sessionToken: 'TOKEN' }),
        endpoint: 'http://127.0.0.1:4566/',
        expiresInSeconds: 60,
        now: NOW,
      }),
    );
    expect(`${url.origin}${url.pathname}`).toBe('http://127.0.0.1:4566/local-reports/rpt_0123/data-low.json');
    expect(url.searchParams.get('X-Amz-Security-Token')).toBe('TOKEN');
    expect(url.searchParams.get('X-Amz-Expires')).toBe('60');
    expect(url.searchParams.get('X-Amz-Signature')).toBe(expectedSignature(url, 'local', 'us-east-1'));
  });
});
