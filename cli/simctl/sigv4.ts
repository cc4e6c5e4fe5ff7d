import type { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity, Provider } from '@smithy/types';

const EXECUTE_API_HOST = /^[a-z0-9]+\.execute-api\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$/;

/** The region of an `execute-api` host (`abc123.execute-api.eu-west-1.amazonaws.com`), if it is one. */
export function executeApiRegion(hostname: string): string | undefined {
  return EXECUTE_API_HOST.exec(hostname)?.[1];
}

export interface SignableRequest {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body?: string;
}

export type RequestSigner = (request: SignableRequest) => Promise<Record<string, string>>;

/**
 * Signs requests for API Gateway (service `execute-api`). The AWS SDK pieces are loaded only when
 * signing is wanted, so local use starts fast.
 */
export async function createSigV4Signer(options: {
  region: string;
  credentials?: Provider<AwsCredentialIdentity>;
}): Promise<RequestSigner> {
  const [{ SignatureV4 }, { Sha256 }] = await Promise.all([
    import('@smithy/signature-v4'),
    import('@smithy/core/checksum'),
  ]);
  const credentials =
    options.credentials ?? (await import('@aws-sdk/credential-provider-node')).defaultProvider();
  const signer = new SignatureV4({
    service: 'execute-api',
    region: options.region,
    credentials,
    sha256: Sha256,
  });
  return (request) => signUrlRequest(signer, request);
}

/**
 * The headers that sign `request` with SigV4 (Authorization, X-Amz-Date, the session token...), without Host:
 * node:http and fetch set it themselves, to the same value. The query is the URL's.
 */
export async function signUrlRequest(
  signer: SignatureV4,
  request: SignableRequest,
): Promise<Record<string, string>> {
  const { method, url, body } = request;
  const query: Record<string, string | string[]> = {};
  for (const key of new Set(url.searchParams.keys())) {
    const values = url.searchParams.getAll(key);
    query[key] = values.length === 1 ? (values[0] as string) : values;
  }
  const signed = await signer.sign({
    method,
    protocol: url.protocol,
    hostname: url.hostname,
    ...(url.port ? { port: Number(url.port) } : {}),
    path: url.pathname,
    query,
    headers: { ...request.headers, host: url.host },
    ...(body === undefined ? {} : { body }),
  });
  const { host: _host, ...headers } = signed.headers;
  return headers;
}
