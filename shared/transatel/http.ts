import * as z from '../zod.js';
import { TokenManager } from './auth.js';
import type { ResolvedClientConfig } from './config.js';
import {
  TransatelApiError,
  TransatelInvalidResponseError,
  TransatelNetworkError,
  TransatelUnknownOutcomeError,
} from './errors.js';
import { type AttemptResult, requestNeverSent } from './http-attempt.js';
import { RequestPacer } from './pacer.js';
import { parseProblem } from './problem.js';
import { nextDelayMs, parseRetryAfter, sleep } from './retry.js';
import { reportDrift, setDriftSink } from './wire.js';

export type QueryValue = string | number | boolean | undefined | readonly (string | number)[];

/**
 * How a call may be retried:
 * - `read`: safe to repeat; retried on network errors, timeouts, 408, 429 and 5xx.
 * - `write`: changes state at Transatel (activation, OCS order, lifecycle). Retried only when Transatel
 *   provably did not process it (429, 401 before the token refresh, connection refused). Any other failure
 *   without an answer, or a 5xx, raises TransatelUnknownOutcomeError so the caller reconciles.
 */
export type CallSafety = 'read' | 'write';

export interface TransatelRequest<T> {
  operation: string;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  query?: Record<string, QueryValue>;
  body?: unknown;
  schema: z.core.$ZodType<T>;
  safety: CallSafety;
  /** A 404 that means "nothing" rather than an error (an empty inventory, say). */
  onNotFound?: () => T;
}

export function encodeSegment(value: string): string {
  return encodeURIComponent(value);
}

function buildUrl(base: string, path: string, query: Record<string, QueryValue> | undefined): string {
  const url = new URL(`${base}${path}`);
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const item of value) url.searchParams.append(key, String(item));
    else url.searchParams.append(key, String(value));
  }
  return url.toString();
}

export class TransatelHttp {
  readonly tokens: TokenManager;
  private readonly pacer: RequestPacer | undefined;

  constructor(private readonly config: ResolvedClientConfig) {
    this.pacer = config.maxRequestsPerSecond ? new RequestPacer(config.maxRequestsPerSecond) : undefined;
    this.tokens = new TokenManager(config, Date.now, this.pacer);
    setDriftSink((message, attributes) => config.logger.warn(message, attributes));
  }

  get settings(): ResolvedClientConfig {
    return this.config;
  }

  /**
   * A link Transatel gave (a next page, say) as a path under our base URL, or undefined when it points
   * elsewhere: the client never sends its token to another host.
   */
  relativePath(href: string): string | undefined {
    let base: URL;
    let target: URL;
    try {
      base = new URL(`${this.config.baseUrl}/`);
      target = new URL(href, base);
    } catch {
      return undefined;
    }
    if (target.origin !== base.origin) return undefined;
    const prefix = base.pathname.replace(/\/$/, '');
    const path = target.pathname.startsWith(`${prefix}/`)
      ? target.pathname.slice(prefix.length)
      : target.pathname;
    return `${path}${target.search}`;
  }

  async call<T>(request: TransatelRequest<T>): Promise<T> {
    const { retry, logger } = this.config;
    const url = buildUrl(this.config.baseUrl, request.path, request.query);
    let tokenRefreshed = false;
    let throttled = 0;

    for (let attempt = 0; ; attempt++) {
      const token = await this.tokens.getToken();
      await this.pacer?.acquire();
      const headers: Record<string, string> = {
        authorization: `Bearer ${token}`,
        accept: 'application/json',
      };
      if (request.body !== undefined) headers['content-type'] = 'application/json';
      if (this.config.acceptLanguage) headers['accept-language'] = this.config.acceptLanguage;
      const canRetry = attempt + 1 < retry.maxAttempts;

      let result: AttemptResult;
      try {
        result = await this.config.send(
          url,
          {
            method: request.method,
            headers,
            body: request.body === undefined ? undefined : JSON.stringify(request.body),
          },
          this.config.timeoutMs,
          request.operation,
        );
      } catch (error) {
        if (!(error instanceof TransatelNetworkError)) throw error;
        const neverSent = requestNeverSent(error.cause);
        if (request.safety === 'write' && !neverSent) {
          throw new TransatelUnknownOutcomeError({ operation: request.operation, cause: error.cause });
        }
        if (!canRetry) throw error;
        logger.warn('Transatel call failed, retrying', {
          operation: request.operation,
          attempt,
          timedOut: error.timedOut,
        });
        await sleep(nextDelayMs(attempt, undefined, retry, this.config.random));
        continue;
      }

      if (result.ok) return this.parse(request, result);

      if (result.status === 401 && !tokenRefreshed) {
        // The token expired early or was revoked: Transatel did not process the call, so any call may be resent.
        tokenRefreshed = true;
        this.tokens.invalidate(token);
        attempt--;
        continue;
      }
      if (result.status === 404 && request.onNotFound) return request.onNotFound();

      const problem = parseProblem(result.text);
      const retryAfterMs = parseRetryAfter(result.retryAfter);
      const details = {
        operation: request.operation,
        status: result.status,
        title: problem.title,
        detail: problem.detail,
        requestId: result.requestId,
      };
      if (request.safety === 'write' && result.status >= 500) throw new TransatelUnknownOutcomeError(details);

      // A 429 was refused at the gateway, unprocessed: a few in a row are normal under a rate limit,
      // so they have their own allowance instead of using up the attempts.
      const throttledRetry = result.status === 429 && throttled < retry.maxThrottledAttempts;
      if (throttledRetry) throttled++;
      const retryable =
        throttledRetry ||
        (canRetry &&
          (result.status === 429 ||
            (request.safety === 'read' && (result.status === 408 || result.status >= 500))));
      const waitAllowed = retryAfterMs === undefined || retryAfterMs <= retry.maxRetryAfterMs;
      if (retryable && waitAllowed) {
        if (throttledRetry) attempt--;
        logger.warn('Transatel call refused, retrying', {
          operation: request.operation,
          attempt,
          status: result.status,
          retryAfterMs,
          requestId: result.requestId,
        });
        await sleep(nextDelayMs(attempt, retryAfterMs, retry, this.config.random));
        continue;
      }
      throw new TransatelApiError(retryAfterMs === undefined ? details : { ...details, retryAfterMs });
    }
  }

  private parse<T>(request: TransatelRequest<T>, result: AttemptResult): T {
    let json: unknown;
    if (result.text.trim().length > 0) {
      try {
        json = JSON.parse(result.text);
      } catch {
        // A 2xx to a write means Transatel accepted it, whatever the body: read state afterwards instead.
        if (request.safety === 'write') reportDrift(`${request.operation}.body`, 'body is not JSON');
        else
          throw new TransatelInvalidResponseError({
            operation: request.operation,
            status: result.status,
            requestId: result.requestId,
            issues: ['body is not JSON'],
          });
      }
    }
    const parsed = z.safeParse(request.schema, json);
    if (!parsed.success) {
      throw new TransatelInvalidResponseError({
        operation: request.operation,
        status: result.status,
        requestId: result.requestId,
        issues: parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`),
      });
    }
    return parsed.data;
  }
}
