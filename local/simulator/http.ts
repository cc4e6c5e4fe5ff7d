import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { badRequest, ProblemError, problemBody } from './problem.js';

const MAX_BODY_BYTES = 1_048_576;

export interface HttpResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  contentType?: string;
  /** Runs once the response is written (or lost): used to emit events "just after" the answer. */
  after?: () => void;
  /** The change was committed but the socket was destroyed instead of answering (fault injection). */
  lost?: boolean;
}

export interface RequestContext {
  method: string;
  path: string;
  query: URLSearchParams;
  params: Record<string, string>;
  headers: IncomingHttpHeaders;
  rawBody: Buffer;
}

export function json(status: number, body: unknown, headers?: Record<string, string>): HttpResult {
  return headers ? { status, body, headers } : { status, body };
}

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buf.length;
    if (size > MAX_BODY_BYTES) throw new ProblemError(413, 'PAYLOAD_TOO_LARGE', 'Request body exceeds 1 MiB');
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}

/** Parses the JSON body; an empty body reads as undefined so the schema can name what is missing. */
export function jsonBody(ctx: RequestContext): unknown {
  const text = ctx.rawBody.toString('utf8').trim();
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw badRequest('Malformed JSON request body');
  }
}

export function writeResult(res: ServerResponse, result: HttpResult): void {
  for (const [name, value] of Object.entries(result.headers ?? {})) res.setHeader(name, value);
  if (result.body === undefined) {
    // An empty answer other than 204/304 says so with Content-Length: 0 rather than an empty chunked body.
    res.writeHead(
      result.status,
      result.status === 204 || result.status === 304 ? {} : { 'Content-Length': 0 },
    );
    res.end();
    return;
  }
  const payload = JSON.stringify(result.body);
  res.writeHead(result.status, {
    'Content-Type': result.contentType ?? 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(payload),
  });
  res.end(payload);
}

export function problemResult(error: ProblemError, path: string): HttpResult {
  return {
    status: error.status,
    body: problemBody(error.status, error.title, error.detail, path),
    headers: error.headers,
    contentType: 'application/problem+json',
  };
}
