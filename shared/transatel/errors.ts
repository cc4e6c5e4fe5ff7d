/**
 * Errors raised by the Transatel client. Every error says whether retrying can help (`transient`) and
 * carries what Transatel told us (HTTP status, problem `title` and `detail`, request id) for support.
 */
export type TransatelErrorKind = 'api' | 'network' | 'unknown-outcome' | 'invalid-response' | 'auth';

export interface TransatelErrorDetails {
  operation: string;
  status?: number;
  title?: string;
  detail?: string;
  requestId?: string;
  cause?: unknown;
}

export abstract class TransatelError extends Error {
  abstract readonly kind: TransatelErrorKind;
  /** True when the same call may succeed later (network, 5xx, 429); false when it never will as sent. */
  abstract readonly transient: boolean;
  readonly operation: string;
  readonly status: number | undefined;
  readonly title: string | undefined;
  readonly detail: string | undefined;
  readonly requestId: string | undefined;

  constructor(message: string, details: TransatelErrorDetails) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = new.target.name;
    this.operation = details.operation;
    this.status = details.status;
    this.title = details.title;
    this.detail = details.detail;
    this.requestId = details.requestId;
  }

  get permanent(): boolean {
    return !this.transient;
  }

  /** A log-safe summary: never contains request bodies, tokens or credentials. */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      kind: this.kind,
      operation: this.operation,
      status: this.status,
      title: this.title,
      detail: this.detail,
      requestId: this.requestId,
      transient: this.transient,
    };
  }
}

const TRANSIENT_STATUSES = new Set([408, 409, 425, 429, 500, 502, 503, 504]);

export function isTransientStatus(status: number): boolean {
  return TRANSIENT_STATUSES.has(status) || status >= 500;
}

/** Transatel answered with an HTTP error (an RFC 7807 problem, usually). */
export class TransatelApiError extends TransatelError {
  readonly kind = 'api' as const;
  readonly transient: boolean;
  /** Seconds Transatel asked us to wait (429/503 Retry-After), when given. */
  readonly retryAfterMs: number | undefined;

  constructor(details: TransatelErrorDetails & { status: number; retryAfterMs?: number }) {
    super(
      `Transatel ${details.operation} failed: ${details.status} ${details.title ?? ''}${details.detail ? ` - ${details.detail}` : ''}`.trim(),
      details,
    );
    this.transient = isTransientStatus(details.status);
    this.retryAfterMs = details.retryAfterMs;
  }
}

/** The request did not get an answer: connection refused or reset, DNS, timeout. */
export class TransatelNetworkError extends TransatelError {
  readonly kind = 'network' as const;
  readonly transient = true;
  readonly timedOut: boolean;

  constructor(details: TransatelErrorDetails & { timedOut: boolean }) {
    super(
      `Transatel ${details.operation} ${details.timedOut ? 'timed out' : 'network error'}${messageOf(details.cause)}`,
      details,
    );
    this.timedOut = details.timedOut;
  }
}

/**
 * A create (activation, OCS order) was sent but we cannot tell whether Transatel applied it: the response
 * was lost, timed out or was a 5xx. It is never retried blindly; the caller must reconcile first
 * (look the change up) and only then decide to send again.
 */
export class TransatelUnknownOutcomeError extends TransatelError {
  readonly kind = 'unknown-outcome' as const;
  readonly transient = true;

  constructor(details: TransatelErrorDetails) {
    super(
      `Transatel ${details.operation}: outcome unknown, reconcile before retrying${messageOf(details.cause)}`,
      details,
    );
  }
}

/** A 2xx answer whose body does not match what we expect of Transatel. */
export class TransatelInvalidResponseError extends TransatelError {
  readonly kind = 'invalid-response' as const;
  readonly transient = false;
  readonly issues: string[];

  constructor(details: TransatelErrorDetails & { issues: string[] }) {
    super(
      `Transatel ${details.operation}: unexpected response (${details.issues.slice(0, 3).join('; ')})`,
      details,
    );
    this.issues = details.issues;
  }
}

/** The token endpoint refused our client credentials. */
export class TransatelAuthError extends TransatelError {
  readonly kind = 'auth' as const;
  readonly transient: boolean;

  constructor(details: TransatelErrorDetails & { status?: number }) {
    super(
      `Transatel authentication failed${details.status ? ` (${details.status})` : ''}: ${details.title ?? 'rejected'}${details.detail ? ` - ${details.detail}` : ''}`,
      details,
    );
    this.transient = details.status !== undefined && isTransientStatus(details.status);
  }
}

function messageOf(cause: unknown): string {
  if (cause instanceof Error) {
    const code = (cause.cause as { code?: unknown } | undefined)?.code;
    return `: ${cause.message}${typeof code === 'string' ? ` (${code})` : ''}`;
  }
  return '';
}

export function isTransatelError(error: unknown): error is TransatelError {
  return error instanceof TransatelError;
}
