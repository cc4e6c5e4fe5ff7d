import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { SignatureV4 } from '@smithy/signature-v4';
import { NodeSha256 } from '../node-sha256.js';
import { presignGetUrl } from './s3-presign.js';

/**
 * The four S3 calls the reports need (PutObject and GetObject, of a record and a content), as SigV4-signed HTTP
 * requests over node:http(s), without @aws-sdk/client-s3: that client was ~100 KB of the report functions'
 * bundles and a third of their cold init beyond the reference (docs/design.md, Fleet reports).
 */

export type S3Credentials = ConstructorParameters<typeof SignatureV4>[0]['credentials'];

export interface S3Exchange {
  method: 'GET' | 'PUT';
  url: URL;
  headers: Record<string, string>;
  body?: string;
}

export interface S3Answer {
  status: number;
  text: string;
}

/** One HTTP exchange: the seam the unit tests replace (no socket there). */
export type S3Send = (exchange: S3Exchange, timeoutMs: number) => Promise<S3Answer>;

export interface S3ObjectsOptions {
  bucket: string;
  region: string;
  /** Credentials or their provider: the function's own, from its environment. */
  credentials: S3Credentials;
  /** An S3-compatible endpoint, path-style (the local emulator); default AWS's virtual-hosted URLs. */
  endpoint?: string | undefined;
  /** Per attempt, headers and body (default 30 s). */
  timeoutMs?: number;
  send?: S3Send;
  /** Tests: the pause before attempt `n` (2, 3) after a 5xx, a 429 or a network error. */
  backoffMs?: (attempt: number) => number;
}

/** An S3 error answer: `name` is S3's code (NoSuchBucket, AccessDenied, SlowDown...), as the SDK names them. */
export class S3RequestError extends Error {
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

/** Over node:http(s) with Node's default keep-alive agent; one timer covers the headers and the body. */
export const sendOverHttp: S3Send = (exchange, timeoutMs) =>
  new Promise<S3Answer>((resolve, reject) => {
    const send = exchange.url.protocol === 'https:' ? httpsRequest : httpRequest;
    const headers: Record<string, string | number> = { ...exchange.headers };
    if (exchange.body !== undefined) headers['content-length'] = Buffer.byteLength(exchange.body);
    const req = send(exchange.url, { method: exchange.method, headers });
    const timer = setTimeout(
      () => req.destroy(new Error(`S3 ${exchange.method}: no complete answer within ${timeoutMs} ms`)),
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
        if (!res.complete) fail(new Error(`S3 ${exchange.method}: the connection closed mid-answer`));
      });
    });
    req.end(exchange.body);
  });

/** Objects of one bucket: put, get (undefined when there is none), and a presigned GET URL. */
export class S3Objects {
  readonly #options: S3ObjectsOptions;
  readonly #signer: SignatureV4;
  readonly #base: URL;

  constructor(options: S3ObjectsOptions) {
    this.#options = options;
    this.#base = options.endpoint
      ? new URL(`${options.endpoint.replace(/\/+$/, '')}/${options.bucket}/`)
      : new URL(`https://${options.bucket}.s3.${options.region}.amazonaws.com/`);
    // S3 signs the path as sent (encoded once, not twice) and wants the payload's hash in x-amz-content-sha256.
    this.#signer = new SignatureV4({
      service: 's3',
      region: options.region,
      credentials: options.credentials,
      sha256: NodeSha256,
      uriEscapePath: false,
      applyChecksum: true,
    });
  }

  /** PutObject: the whole body, with its content type (and disposition, for downloads). */
  async put(
    key: string,
    body: string,
    headers: { contentType: string; contentDisposition?: string },
  ): Promise<void> {
    await this.#call(
      'PUT',
      key,
      {
        'content-type': headers.contentType,
        ...(headers.contentDisposition ? { 'content-disposition': headers.contentDisposition } : {}),
      },
      body,
    );
  }

  /** GetObject as UTF-8 text; undefined when the key does not exist (a missing bucket is an error). */
  async get(key: string): Promise<string | undefined> {
    try {
      return await this.#call('GET', key, {});
    } catch (error) {
      if (error instanceof S3RequestError && error.status === 404 && error.code !== 'NoSuchBucket')
        return undefined;
      throw error;
    }
  }

  presignGet(key: string, expiresInSeconds: number): Promise<string> {
    const { bucket, region, credentials, endpoint } = this.#options;
    return presignGetUrl({
      bucket,
      key,
      region,
      credentials,
      expiresInSeconds,
      ...(endpoint ? { endpoint } : {}),
    });
  }

  #url(key: string): URL {
    return new URL(`${this.#base.pathname}${key.split('/').map(encodeURIComponent).join('/')}`, this.#base);
  }

  /** Signed anew for each attempt (the date is part of the signature); S3's own retry rule, 3 attempts. */
  async #call(method: 'GET' | 'PUT', key: string, headers: Record<string, string>, body?: string) {
    const url = this.#url(key);
    const send = this.#options.send ?? sendOverHttp;
    const timeoutMs = this.#options.timeoutMs ?? 30_000;
    for (let attempt = 1; ; attempt++) {
      const signed = await this.#signer.sign({
        method,
        protocol: url.protocol,
        hostname: url.hostname,
        ...(url.port ? { port: Number(url.port) } : {}),
        path: url.pathname,
        query: {},
        headers: { host: url.host, ...headers },
        ...(body === undefined ? {} : { body }),
      });
      const { host: _host, ...signedHeaders } = signed.headers;
      let answer: S3Answer | undefined;
      let failure: unknown;
      try {
        answer = await send(
          { method, url, headers: signedHeaders, ...(body === undefined ? {} : { body }) },
          timeoutMs,
        );
      } catch (error) {
        failure = error;
      }
      if (answer && answer.status >= 200 && answer.status < 300) return answer.text;
      const retryable = !answer || answer.status >= 500 || answer.status === 429;
      if (!retryable || attempt >= ATTEMPTS) {
        if (!answer) throw failure;
        const code =
          xmlField(answer.text, 'Code') ?? (answer.status === 404 ? 'NotFound' : `Http${answer.status}`);
        const detail = xmlField(answer.text, 'Message');
        throw new S3RequestError(
          code,
          answer.status,
          `S3 ${method} ${key}: ${answer.status} ${code}${detail ? `: ${detail}` : ''}`,
        );
      }
      const pause = this.#options.backoffMs?.(attempt + 1) ?? 100 * 2 ** (attempt - 1) * (1 + Math.random());
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  }
}
