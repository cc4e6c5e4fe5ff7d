import type { FieldIssue } from './field-issues.js';

/** RFC 7807 problem details, as every error of the public API is shaped. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  errors?: FieldIssue[];
  /** Extension members (RFC 7807 section 3.2), such as `openOrderId`: beside the standard ones. */
  [extension: string]: unknown;
}

/** Extension members of a problem: any name but the standard members'. */
export type ProblemExtensions = Readonly<Record<string, unknown>>;

const standardMembers: ReadonlySet<string> = new Set([
  'type',
  'title',
  'status',
  'detail',
  'instance',
  'errors',
]);

export const problemContentType = 'application/problem+json';

/**
 * Problem `type` values are stable URNs (`urn:problem:<slug>`): clients branch on them, so never
 * rename one. Each status has a default; request-shape failures get their own.
 */
export const problemTypes = {
  validation: 'urn:problem:validation',
  malformedJson: 'urn:problem:malformed-json',
  unsupportedContentType: 'urn:problem:unsupported-content-type',
  payloadTooLarge: 'urn:problem:payload-too-large',
  badRequest: 'urn:problem:bad-request',
  unauthorized: 'urn:problem:unauthorized',
  forbidden: 'urn:problem:forbidden',
  notFound: 'urn:problem:not-found',
  methodNotAllowed: 'urn:problem:method-not-allowed',
  conflict: 'urn:problem:conflict',
  simHasOpenOrder: 'urn:problem:sim-has-open-order',
  unprocessable: 'urn:problem:unprocessable',
  tooManyRequests: 'urn:problem:too-many-requests',
  internal: 'urn:problem:internal',
  badGateway: 'urn:problem:bad-gateway',
  unavailable: 'urn:problem:unavailable',
  gatewayTimeout: 'urn:problem:gateway-timeout',
} as const;

const defaultsByStatus: Readonly<Record<number, { type: string; title: string }>> = {
  400: { type: problemTypes.badRequest, title: 'Bad Request' },
  401: { type: problemTypes.unauthorized, title: 'Unauthorized' },
  403: { type: problemTypes.forbidden, title: 'Forbidden' },
  404: { type: problemTypes.notFound, title: 'Not Found' },
  405: { type: problemTypes.methodNotAllowed, title: 'Method Not Allowed' },
  409: { type: problemTypes.conflict, title: 'Conflict' },
  413: { type: problemTypes.payloadTooLarge, title: 'Payload Too Large' },
  422: { type: problemTypes.unprocessable, title: 'Unprocessable Entity' },
  429: { type: problemTypes.tooManyRequests, title: 'Too Many Requests' },
  500: { type: problemTypes.internal, title: 'Internal Server Error' },
  502: { type: problemTypes.badGateway, title: 'Bad Gateway' },
  503: { type: problemTypes.unavailable, title: 'Service Unavailable' },
  504: { type: problemTypes.gatewayTimeout, title: 'Gateway Timeout' },
};

function defaultsFor(status: number): { type: string; title: string } {
  return (
    defaultsByStatus[status] ??
    (status >= 500
      ? { type: problemTypes.internal, title: 'Server Error' }
      : { type: problemTypes.badRequest, title: 'Client Error' })
  );
}

export interface HttpErrorOptions {
  detail: string;
  title?: string;
  type?: string;
  errors?: FieldIssue[];
  /** Extension members, at the top level of the problem; a standard member's name is refused. */
  extensions?: ProblemExtensions;
  /** Extra response headers, e.g. `Retry-After` or `Allow`. */
  headers?: Record<string, string>;
  cause?: unknown;
}

/**
 * An error a handler throws to answer with a problem. `detail` goes to the client verbatim,
 * so it must not carry internals.
 */
export class HttpError extends Error {
  override readonly name = 'HttpError';
  readonly status: number;
  readonly type: string;
  readonly title: string;
  readonly detail: string;
  readonly errors: FieldIssue[] | undefined;
  readonly extensions: ProblemExtensions;
  readonly headers: Record<string, string>;

  constructor(status: number, options: HttpErrorOptions) {
    super(options.detail, { cause: options.cause });
    if (!Number.isInteger(status) || status < 400 || status > 599) {
      throw new RangeError(`HttpError status must be 4xx or 5xx, got ${status}`);
    }
    const defaults = defaultsFor(status);
    this.status = status;
    this.type = options.type ?? defaults.type;
    this.title = options.title ?? defaults.title;
    this.detail = options.detail;
    this.errors = options.errors;
    this.extensions = options.extensions ?? {};
    const clashing = Object.keys(this.extensions).filter((name) => standardMembers.has(name));
    if (clashing.length > 0) {
      throw new TypeError(`HttpError extension members may not replace ${clashing.join(', ')}`);
    }
    this.headers = options.headers ?? {};
  }

  toProblem(instance?: string): ProblemDetails {
    return {
      type: this.type,
      title: this.title,
      status: this.status,
      detail: this.detail,
      ...(instance === undefined ? {} : { instance }),
      ...(this.errors === undefined ? {} : { errors: this.errors }),
      ...this.extensions,
    };
  }

  static badRequest(detail: string, errors?: FieldIssue[]): HttpError {
    return new HttpError(400, { detail, ...(errors ? { errors } : {}) });
  }

  static notFound(detail: string): HttpError {
    return new HttpError(404, { detail });
  }

  static conflict(detail: string): HttpError {
    return new HttpError(409, { detail });
  }

  static unprocessable(detail: string, errors?: FieldIssue[]): HttpError {
    return new HttpError(422, { detail, ...(errors ? { errors } : {}) });
  }

  static unavailable(detail: string, retryAfterSeconds?: number): HttpError {
    return new HttpError(503, {
      detail,
      ...(retryAfterSeconds === undefined ? {} : { headers: { 'retry-after': String(retryAfterSeconds) } }),
    });
  }

  /** 400 listing every invalid field; `detail` names them (`body.sims[3].iccid: ...`). */
  static validation(errors: FieldIssue[]): HttpError {
    return new HttpError(400, {
      type: problemTypes.validation,
      title: 'Invalid request',
      detail: describeFieldIssues(errors),
      errors: errors.slice(0, maxReportedIssues),
    });
  }
}

export function isHttpError(error: unknown): error is HttpError {
  return error instanceof HttpError;
}

/** A bulk request with thousands of bad items must not produce a megabyte of problem JSON. */
export const maxReportedIssues = 100;
const maxIssuesInDetail = 10;

export function describeFieldIssues(issues: readonly FieldIssue[]): string {
  const listed = issues.slice(0, maxIssuesInDetail).map((issue) => `${issue.path}: ${issue.message}`);
  const more = issues.length - listed.length;
  return more > 0 ? `${listed.join('; ')}; and ${more} more` : listed.join('; ');
}
