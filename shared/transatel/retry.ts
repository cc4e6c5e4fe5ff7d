export interface RetryPolicy {
  /** Total attempts for a retryable call, the first included. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** A Retry-After longer than this is not waited for: the error is raised instead. */
  maxRetryAfterMs: number;
  /**
   * Extra attempts for calls refused with 429: the gateway did not process them, and under a rate limit
   * a few refusals in a row are normal, so they do not use up `maxAttempts`.
   */
  maxThrottledAttempts: number;
}

export const defaultRetryPolicy: RetryPolicy = {
  maxAttempts: 4,
  baseDelayMs: 200,
  maxDelayMs: 5_000,
  maxRetryAfterMs: 30_000,
  maxThrottledAttempts: 8,
};

/** "Full jitter" exponential backoff (AWS Architecture Blog): a uniform draw in [0, min(cap, base * 2^n)]. */
export function backoffDelayMs(
  attempt: number,
  policy: RetryPolicy,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  return Math.round(random() * ceiling);
}

/** Retry-After is either delta-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(
  value: string | null | undefined,
  now: number = Date.now(),
): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/**
 * The wait before the next attempt: the server's Retry-After when it gave one (plus a little jitter so
 * that many callers do not come back in the same millisecond), otherwise jittered backoff.
 */
export function nextDelayMs(
  attempt: number,
  retryAfterMs: number | undefined,
  policy: RetryPolicy,
  random: () => number = Math.random,
): number {
  if (retryAfterMs !== undefined)
    return retryAfterMs + Math.round(random() * Math.min(250, policy.baseDelayMs));
  return backoffDelayMs(attempt, policy, random);
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
