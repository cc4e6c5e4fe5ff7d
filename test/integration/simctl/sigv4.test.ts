import { createHash, createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simctl } from './harness.js';

const credentials = {
  accessKeyId: 'AKIDSIMCTLTEST',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYSIMCTLTEST',
  sessionToken: 'session-token-for-tests',
};
const dummyCredentials = async () => credentials;

const plansBody = JSON.stringify({
  plans: [
    {
      planId: 'IOTC_TEST_1GB',
      name: 'Test 1 GB',
      countries: ['FR'],
      price: { amountMinor: 500, currency: 'EUR' },
      validity: { value: 1, unit: 'months' },
      dataBytes: 1_073_741_824,
      unlimited: false,
      category: 'Recurring',
    },
  ],
});

interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

const sha256 = (data: string) => createHash('sha256').update(data).digest('hex');
const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data).digest();
const rfc3986 = (value: string) =>
  encodeURIComponent(value).replace(
    /[!'()*]/g,
    (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`,
  );

/** An independent SigV4 check (AWS's documented algorithm), as API Gateway would make it. */
function verifySigV4(
  request: Received,
  secretAccessKey: string,
): { valid: boolean; region: string; service: string } {
  const authorization = String(request.headers.authorization ?? '');
  const match =
    /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(
      authorization,
    );
  if (!match) return { valid: false, region: '', service: '' };
  const [, , date, region, service, signedHeaders, signature] = match as unknown as string[];
  const amzDate = String(request.headers['x-amz-date']);
  const url = new URL(request.url, 'http://placeholder');
  const canonicalPath = url.pathname
    .split('/')
    .map((segment) => rfc3986(segment))
    .join('/');
  const canonicalQuery = [...url.searchParams]
    .map(([key, value]) => [rfc3986(key), rfc3986(value)] as const)
    .sort(([a, x], [b, y]) => (a === b ? x.localeCompare(y) : a.localeCompare(b)))
    .map(([key, value]) => `${key}=${value}`)
    .join('&');
  const names = (signedHeaders as string).split(';');
  const canonicalHeaders = names
    .map((name) => `${name}:${String(request.headers[name] ?? '').trim()}\n`)
    .join('');
  const canonicalRequest = [
    request.method,
    canonicalPath,
    canonicalQuery,
    canonicalHeaders,
    signedHeaders,
    sha256(request.body),
  ].join('\n');
  const scope = `${date}/${region}/${service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonicalRequest)].join('\n');
  const key = hmac(
    hmac(hmac(hmac(`AWS4${secretAccessKey}`, date as string), region as string), service as string),
    'aws4_request',
  );
  const expected = createHmac('sha256', key).update(stringToSign).digest('hex');
  return {
    valid: expected === signature && names.includes('host'),
    region: region as string,
    service: service as string,
  };
}

describe('simctl SigV4 signing', () => {
  let server: Server;
  let url: string;
  const received: Received[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
        res.setHeader('content-type', 'application/json');
        if (req.method === 'POST') {
          res.writeHead(202);
          res.end(
            JSON.stringify({
              orderId: '01J00000000000000000000000',
              status: 'RECEIVED',
              iccid: '8988247000000000001',
            }),
          );
        } else {
          res.writeHead(200);
          res.end(plansBody);
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('signs GET and POST requests for execute-api with the given credentials (--sigv4 --region)', async () => {
    received.length = 0;
    const plans = await simctl(['plans', '--country', 'FR', '--sigv4', '--region', 'eu-west-3'], {
      url,
      credentials: dummyCredentials,
    });
    expect(plans.code, plans.stderr).toBe(0);
    const activate = await simctl(
      ['activate', '8988247000000000001', '--plan', 'IOTC_TEST_1GB', '--sigv4', '--region', 'eu-west-3'],
      {
        url,
        credentials: dummyCredentials,
      },
    );
    expect(activate.code, activate.stderr).toBe(0);

    expect(received).toHaveLength(2);
    for (const request of received) {
      expect(request.headers.authorization).toMatch(
        /^AWS4-HMAC-SHA256 Credential=AKIDSIMCTLTEST\/\d{8}\/eu-west-3\/execute-api\/aws4_request, /,
      );
      expect(request.headers['x-amz-security-token']).toBe(credentials.sessionToken);
      expect(verifySigV4(request, credentials.secretAccessKey)).toEqual({
        valid: true,
        region: 'eu-west-3',
        service: 'execute-api',
      });
      expect(verifySigV4(request, 'another secret').valid).toBe(false);
    }
    expect(received[1]?.body).toBe('{"planId":"IOTC_TEST_1GB"}');
  });

  it('signs when SIMCTL_SIGV4=1 (region from AWS_REGION), and never locally by default', async () => {
    received.length = 0;
    const signed = await simctl(['plans'], {
      url,
      credentials: dummyCredentials,
      env: { SIMCTL_SIGV4: '1', AWS_REGION: 'us-west-2' },
    });
    expect(signed.code).toBe(0);
    expect(verifySigV4(received[0] as Received, credentials.secretAccessKey).region).toBe('us-west-2');

    const unsigned = await simctl(['plans'], { url, credentials: dummyCredentials });
    expect(unsigned.code).toBe(0);
    expect(received[1]?.headers.authorization).toBeUndefined();

    const noRegion = await simctl(['plans', '--sigv4'], { url, credentials: dummyCredentials });
    expect(noRegion.code).toBe(2);
    expect(noRegion.stderr).toContain('simctl: SigV4 needs a region: --region, or AWS_REGION');
  });

  it('signs automatically for an execute-api host, with the region of the host (nothing leaves the process)', async () => {
    const seen: Request[] = [];
    const fakeFetch: typeof fetch = async (input, init) => {
      seen.push(new Request(input, init));
      return new Response(plansBody, { status: 200, headers: { 'content-type': 'application/json' } });
    };
    const result = await simctl(['plans', '--json'], {
      url: 'https://a1b2c3d4e5.execute-api.eu-central-1.amazonaws.com',
      fetch: fakeFetch,
      credentials: dummyCredentials,
    });
    expect(result.code, result.stderr).toBe(0);
    expect(seen[0]?.url).toBe('https://a1b2c3d4e5.execute-api.eu-central-1.amazonaws.com/v1/plans');
    expect(seen[0]?.headers.get('authorization')).toMatch(
      /\/eu-central-1\/execute-api\/aws4_request, SignedHeaders=[^,]*host/,
    );
  });

  it('shows API Gateway refusals (not problem+json) as one line', async () => {
    const refusing: typeof fetch = async () =>
      new Response(JSON.stringify({ message: 'Forbidden' }), { status: 403, statusText: 'Forbidden' });
    const result = await simctl(['sims'], {
      url: 'https://a1b2c3d4e5.execute-api.eu-central-1.amazonaws.com',
      fetch: refusing,
      credentials: dummyCredentials,
    });
    expect(result).toMatchObject({ code: 1, stdout: '', stderr: 'simctl: 403 Forbidden\n' });
  });
});
