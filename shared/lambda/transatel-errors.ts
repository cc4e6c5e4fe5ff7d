import {
  isTransatelError,
  TransatelApiError,
  TransatelAuthError,
  TransatelUnknownOutcomeError,
} from '../transatel/errors.js';
import { HttpError } from './problem.js';

const NOT_FOUND_TITLES = new Set([
  'SUBSCRIBER_NOT_FOUND',
  'ESIM_NOT_FOUND',
  'PRODUCT_NOT_FOUND',
  'SUBSCRIPTION_NOT_FOUND',
  'TRANSACTION_NOT_FOUND',
  'NOT_FOUND',
]);

/**
 * How a Transatel failure reaches our API's callers: Transatel's own title and detail, with a status
 * that says whose move it is (404 not found, 422 refused as asked, 503 try again later, 502 Transatel
 * misbehaved). Credentials problems are ours to fix, so they are a 503 without internals.
 */
export function transatelErrorToHttp(error: unknown): unknown {
  if (!isTransatelError(error)) return error;
  const title = error.title ?? 'TRANSATEL_ERROR';
  const detail = error.detail ?? error.message;
  if (error instanceof TransatelAuthError) {
    return new HttpError(503, {
      title: 'TRANSATEL_UNAVAILABLE',
      detail: 'Transatel refused our credentials; the operator has been alerted.',
      headers: { 'retry-after': '60' },
      cause: error,
    });
  }
  if (error instanceof TransatelUnknownOutcomeError) {
    return new HttpError(502, {
      title,
      detail: `Transatel did not confirm the change: ${detail}`,
      cause: error,
    });
  }
  if (error instanceof TransatelApiError && !error.transient) {
    const status =
      error.status === 404 || NOT_FOUND_TITLES.has(title) ? 404 : error.status === 409 ? 409 : 422;
    return new HttpError(status, { title, detail, cause: error });
  }
  if (error.transient) {
    const retryAfterSeconds =
      error instanceof TransatelApiError && error.retryAfterMs !== undefined
        ? Math.ceil(error.retryAfterMs / 1000)
        : 5;
    return new HttpError(503, {
      title,
      detail: `Transatel is unavailable right now: ${detail}`,
      headers: { 'retry-after': String(retryAfterSeconds) },
      cause: error,
    });
  }
  return new HttpError(502, { title, detail, cause: error });
}

/** Runs a Transatel call, turning its failures into problems for the API's caller. */
export async function callTransatel<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw transatelErrorToHttp(error);
  }
}
