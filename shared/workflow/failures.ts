import { isTransatelError, TransatelApiError } from '../transatel/errors.js';

export interface FailureReason {
  code: string;
  detail: string;
}

/** Transatel's permanent refusal as the order's failure: its error title and detail. */
export function failureFromTransatel(error: unknown, fallbackCode: string): FailureReason {
  if (error instanceof TransatelApiError) {
    return {
      code: error.title ?? `HTTP_${error.status}`,
      detail: error.detail ?? error.message,
    };
  }
  if (isTransatelError(error))
    return { code: error.title ?? fallbackCode, detail: error.detail ?? error.message };
  return { code: fallbackCode, detail: error instanceof Error ? error.message : String(error) };
}

/** A Transatel error that will not go away by trying again (4xx with a title, invalid response). */
export function isPermanentTransatelError(error: unknown): boolean {
  return isTransatelError(error) && error.permanent;
}
