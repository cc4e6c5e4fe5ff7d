import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { TransatelNetworkError } from './errors.js';
import { keepAliveAgents } from './keep-alive.js';

export interface AttemptRequest {
  method: string;
  headers: Record<string, string>;
  body?: string | undefined;
}

export interface AttemptResult {
  status: number;
  ok: boolean;
  text: string;
  retryAfter: string | undefined;
  requestId: string | undefined;
}

/** One exchange with Transatel: the seam tests may replace. */
export type SendAttempt = (
  url: string,
  request: AttemptRequest,
  timeoutMs: number,
  operation: string,
) => Promise<AttemptResult>;

/** Errors proving the request never reached the server, so even a create may be sent again. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

export function requestNeverSent(error: unknown): boolean {
  const code = errorCode(error) ?? errorCode((error as { cause?: unknown } | undefined)?.cause);
  return code !== undefined && NOT_SENT_CODES.has(code);
}

class AttemptTimeoutError extends Error {
  override readonly name = 'TimeoutError';
}

function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/**
 * One HTTP exchange over node:http(s) with a keep-alive agent and one timer covering the headers and the
 * body. Not fetch: undici's fetch costs more per call than node:http (WHATWG Request, Headers, streams and
 * an AbortSignal per call; docs/performance.md, table 2); the AWS SDK makes the same choice.
 */
export const sendAttempt: SendAttempt = (url, request, timeoutMs, operation) => {
  const target = new URL(url);
  const secure = target.protocol === 'https:';
  if (!secure && target.protocol !== 'http:') {
    return Promise.reject(new TypeError(`Transatel base URL must be http(s), got ${target.protocol}`));
  }
  const send = secure ? httpsRequest : httpRequest;
  const headers: Record<string, string | number> = { ...request.headers };
  if (request.body !== undefined) headers['content-length'] = Buffer.byteLength(request.body);

  return new Promise<AttemptResult>((resolve, reject) => {
    let settled = false;
    let timedOut = false;
    const fail = (error: unknown) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      reject(new TransatelNetworkError({ operation, timedOut, cause: timedOut ? timeoutError : error }));
    };
    const req = send(target, {
      method: request.method,
      headers,
      agent: keepAliveAgents[target.protocol as 'http:'],
    });
    let timeoutError: AttemptTimeoutError | undefined;
    const timer = setTimeout(() => {
      timedOut = true;
      timeoutError = new AttemptTimeoutError(`no complete answer within ${timeoutMs} ms`);
      req.destroy(timeoutError);
    }, timeoutMs);
    req.on('error', fail);
    req.on('response', (res: IncomingMessage) => {
      res.setEncoding('utf8');
      let text = '';
      res.on('data', (chunk: string) => {
        text += chunk;
      });
      res.on('error', fail);
      res.on('end', () => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        const status = res.statusCode ?? 0;
        resolve({
          status,
          ok: status >= 200 && status < 300,
          text,
          retryAfter: firstHeader(res.headers['retry-after']),
          requestId: firstHeader(res.headers['x-tsl-request-id']),
        });
      });
      res.on('close', () => {
        if (!res.complete) fail(new Error('the connection closed before the whole answer arrived'));
      });
    });
    req.end(request.body);
  });
};
