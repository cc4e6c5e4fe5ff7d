import type { SignatureV4 } from '@smithy/signature-v4';

/** A request as sent by URL: its query is the URL's. */
export interface UrlRequest {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body?: string | undefined;
}

/**
 * The headers that sign `request` with SigV4 (Authorization, X-Amz-Date, the session token...), without Host:
 * node:http and fetch set it themselves, to the same value. Shared by the calls the project signs itself
 * (S3's objects, EventBridge Scheduler, simctl's API Gateway requests).
 */
export async function signUrlRequest(
  signer: SignatureV4,
  request: UrlRequest,
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
