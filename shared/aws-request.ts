import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { SignatureV4 } from '@smithy/signature-v4';
import { awsKeepAliveAgents } from './keep-alive.js';
import { NodeSha256 } from './node-sha256.js';
import { signUrlRequest } from './sign-url-request.js';

/**
 * One AWS API call written out: a SigV4-signed request over node:http(s), retried as the SDK retries, for the
 * calls the functions make without an SDK client (DynamoDB, SQS, SNS, S3, EventBridge Scheduler; docs/design.md).
 */

type SignerInit = ConstructorParameters<typeof SignatureV4>[0];
export type AwsCredentials = SignerInit['credentials'];

/** The SDK's SigV4 signer for one service and region, hashing with node:crypto; `s3` adds S3's path and checksum rules. */
export function sigV4Signer(
  service: string,
  region: string,
  credentials: AwsCredentials,
  s3?: Pick<SignerInit, 'uriEscapePath' | 'applyChecksum'>,
): SignatureV4 {
  return new SignatureV4({ service, region, credentials, sha256: NodeSha256, ...s3 });
}

/** Where and as whom the project calls an AWS service: the settings of every client it signs for. */
export interface AwsServiceOptions extends AwsCallOptions {
  region: string;
  /** Credentials or their provider: the function's own, from its environment. */
  credentials: AwsCredentials;
  /** The service's origin (a local emulator's); default AWS's regional endpoint. */
  endpoint?: string | undefined;
}

/** `options.endpoint`, else the service's regional endpoint in the aws partition (`<host>.<region>.amazonaws.com`). */
export function serviceEndpoint(host: string, options: Pick<AwsServiceOptions, 'region' | 'endpoint'>): URL {
  return new URL(options.endpoint ?? `https://${host}.${options.region}.amazonaws.com`);
}

export interface AwsExchange {
  method: 'GET' | 'PUT' | 'POST';
  url: URL;
  headers: Record<string, string>;
  body?: string;
}

export interface AwsAnswer {
  status: number;
  text: string;
}

/** One HTTP exchange: the seam the unit tests replace (no socket there). */
export type AwsSend = (exchange: AwsExchange, timeoutMs: number) => Promise<AwsAnswer>;

export interface AwsCallOptions {
  /** Per attempt, headers and body (default 30 s). */
  timeoutMs?: number | undefined;
  send?: AwsSend | undefined;
  /** Tests: the pause before attempt `n` (2, 3) after a 5xx, a 429, a throttling error or a network error. */
  backoffMs?: ((attempt: number) => number) | undefined;
}

/** How the service words its errors: S3's XML `<Code>`, or the JSON protocols' `__type` (DynamoDB, SQS). */
export type AwsProtocol = 'xml' | 'json';

/**
 * An AWS error answer: `name` is the service's code (NoSuchBucket, ConditionalCheckFailedException,
 * NotFound...), as the SDK names them.
 */
export class AwsRequestError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = code;
  }
}

const ATTEMPTS = 3;

const xmlField = (text: string, field: string) =>
  new RegExp(`<${field}>([^<]*)</${field}>`).exec(text)?.[1]?.trim();

/** Errors that say "slow down" with a 400: retried like a 5xx, as the SDK's standard retry mode does. */
const THROTTLING_CODES = new Set([
  'ThrottlingException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'TooManyRequestsException',
  'SlowDown',
]);

/** A JSON error answer's code: `__type`, after its namespace (`com.amazonaws.dynamodb.v20120810#Code`). */
function jsonError(text: string): { code?: string; message?: string } {
  try {
    const body = JSON.parse(text) as { __type?: unknown; message?: unknown; Message?: unknown };
    const type = typeof body.__type === 'string' ? body.__type : undefined;
    const message = typeof body.message === 'string' ? body.message : body.Message;
    return {
      ...(type ? { code: type.slice(type.lastIndexOf('#') + 1) } : {}),
      ...(typeof message === 'string' ? { message } : {}),
    };
  } catch {
    return {};
  }
}

function errorOf(answer: AwsAnswer, protocol: AwsProtocol): { code: string; message?: string | undefined } {
  const said =
    protocol === 'json'
      ? jsonError(answer.text)
      : { code: xmlField(answer.text, 'Code'), message: xmlField(answer.text, 'Message') };
  return {
    code: said.code ?? (answer.status === 404 ? 'NotFound' : `Http${answer.status}`),
    message: said.message,
  };
}

/** Over node:http(s) with the process's AWS keep-alive agents; one timer covers the headers and the body. */
export const sendOverHttp: AwsSend = (exchange, timeoutMs) =>
  new Promise<AwsAnswer>((resolve, reject) => {
    const send = exchange.url.protocol === 'https:' ? httpsRequest : httpRequest;
    const headers: Record<string, string | number> = { ...exchange.headers };
    if (exchange.body !== undefined) headers['content-length'] = Buffer.byteLength(exchange.body);
    const agent = awsKeepAliveAgents[exchange.url.protocol === 'https:' ? 'https:' : 'http:'];
    const req = send(exchange.url, { method: exchange.method, headers, agent });
    const timer = setTimeout(
      () =>
        req.destroy(new Error(`${exchange.method} ${exchange.url.host}: no answer within ${timeoutMs} ms`)),
      timeoutMs,
    );
    const fail = (error: unknown) => {
      clearTimeout(timer);
      reject(error);
    };
    req.on('error', fail);
    req.on('response', (res: IncomingMessage) => {
      res.setEncoding('utf8');
      let text = '';
      res.on('data', (chunk: string) => {
        text += chunk;
      });
      res.on('error', fail);
      res.on('end', () => {
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, text });
      });
      res.on('close', () => {
        if (!res.complete) fail(new Error(`${exchange.method} ${exchange.url.host}: closed mid-answer`));
      });
    });
    req.end(exchange.body);
  });

/**
 * Signs and sends `request`, signed anew for each attempt (the date is part of the signature): three attempts
 * in all on a 5xx, a 429, a throttling error or a network error; the 2xx answer's body, else an
 * AwsRequestError named by the answer's code (`protocol`: S3's XML, or DynamoDB's and SQS's JSON). `what`
 * names the call in the error's message.
 */
export async function signedCall(
  signer: SignatureV4,
  request: AwsExchange,
  what: string,
  options: AwsCallOptions & { protocol?: AwsProtocol } = {},
): Promise<string> {
  const { url, method, body } = request;
  const send = options.send ?? sendOverHttp;
  const timeoutMs = options.timeoutMs ?? 30_000;
  for (let attempt = 1; ; attempt++) {
    const headers = await signUrlRequest(signer, request);
    let answer: AwsAnswer | undefined;
    let failure: unknown;
    try {
      answer = await send({ method, url, headers, ...(body === undefined ? {} : { body }) }, timeoutMs);
    } catch (error) {
      failure = error;
    }
    if (answer && answer.status >= 200 && answer.status < 300) return answer.text;
    const error = answer && errorOf(answer, options.protocol ?? 'xml');
    const retryable =
      !answer || !error || answer.status >= 500 || answer.status === 429 || THROTTLING_CODES.has(error.code);
    if (!retryable || attempt >= ATTEMPTS) {
      if (!answer || !error) throw failure;
      throw new AwsRequestError(
        error.code,
        answer.status,
        `${what}: ${answer.status} ${error.code}${error.message ? `: ${error.message}` : ''}`,
      );
    }
    const pause = options.backoffMs?.(attempt + 1) ?? 100 * 2 ** (attempt - 1) * (1 + Math.random());
    await new Promise((resolve) => setTimeout(resolve, pause));
  }
}
