import { TransatelNetworkError } from './errors.js';

export interface AttemptResult {
  status: number;
  ok: boolean;
  headers: Headers;
  text: string;
  requestId: string | undefined;
}

/** Errors proving the request never reached the server, so even a create may be sent again. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

export function requestNeverSent(error: unknown): boolean {
  const cause = (error as { cause?: { code?: unknown } } | undefined)?.cause;
  const code = typeof cause?.code === 'string' ? cause.code : undefined;
  return code !== undefined && NOT_SENT_CODES.has(code);
}

function isTimeout(error: unknown): boolean {
  const name = (error as { name?: unknown } | undefined)?.name;
  return name === 'TimeoutError' || name === 'AbortError';
}

/** One HTTP exchange with a timeout covering the headers and the body. */
export async function fetchAttempt(
  fetchImpl: typeof fetch,
  url: string,
  init: RequestInit,
  timeoutMs: number,
  operation: string,
): Promise<AttemptResult> {
  try {
    const response = await fetchImpl(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
    const text = await response.text();
    return {
      status: response.status,
      ok: response.ok,
      headers: response.headers,
      text,
      requestId: response.headers.get('x-tsl-request-id') ?? undefined,
    };
  } catch (error) {
    throw new TransatelNetworkError({ operation, timedOut: isTimeout(error), cause: error });
  }
}
