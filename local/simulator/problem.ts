export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  path: string;
}

/** Thrown by handlers; the server turns it into an RFC 7807 response. */
export class ProblemError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(`${status} ${title}: ${detail}`);
    this.name = 'ProblemError';
  }
}

/** '/ocs/subscriptions/api/orders/products' -> 'ocs/subscriptions'; paths outside an API -> 'gateway'. */
export function apiNameOf(path: string): string {
  const at = path.indexOf('/api/');
  const base = at > 0 ? path.slice(1, at) : path === '/_sim' || path.startsWith('/_sim/') ? '_sim' : '';
  return base || 'gateway';
}

export function problemBody(status: number, title: string, detail: string, path: string): Problem {
  return {
    type: `https://api.transatel.com/${apiNameOf(path)}/docs#errors/${title}`,
    title,
    status,
    detail,
    path,
  };
}

export const STATUS_TITLES: Readonly<Record<number, string>> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  429: 'TOO_MANY_REQUESTS',
  500: 'INTERNAL_ERROR',
  502: 'BAD_GATEWAY',
  503: 'SERVICE_UNAVAILABLE',
  504: 'GATEWAY_TIMEOUT',
};

export function badRequest(detail: string): ProblemError {
  return new ProblemError(400, 'BAD_REQUEST', detail);
}
