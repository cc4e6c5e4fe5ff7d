import * as z from '../zod.js';
import type { ResolvedClientConfig } from './config.js';
import { TransatelAuthError, TransatelNetworkError } from './errors.js';
import type { AttemptResult } from './http-attempt.js';
import type { RequestPacer } from './pacer.js';
import { parseProblem } from './problem.js';
import { nextDelayMs, parseRetryAfter, sleep } from './retry.js';

/** Only the token is required; a lifetime that does not read as a positive number is taken as the documented hour. */
const tokenResponseSchema = z.looseObject({
  access_token: z.string().check(z.minLength(1)),
  expires_in: z.catch(z._default(z.coerce.number().check(z.positive()), 3600), 3600),
});

interface CachedToken {
  value: string;
  expiresAt: number;
}

const TOKEN_PATH = '/authentication/api/token';

/**
 * One OAuth2 client-credentials token per process: reused until shortly before it expires, fetched by a
 * single request however many callers need it at once, dropped when Transatel answers 401.
 */
export class TokenManager {
  private cached: CachedToken | undefined;
  private inflight: Promise<CachedToken> | undefined;
  /** Number of token requests sent (each HTTP attempt counts). */
  tokenRequests = 0;

  constructor(
    private readonly config: ResolvedClientConfig,
    private readonly now: () => number = Date.now,
    private readonly pacer?: RequestPacer,
  ) {}

  async getToken(): Promise<string> {
    const cached = this.cached;
    if (cached && this.now() < cached.expiresAt) return cached.value;
    this.inflight ??= this.fetchToken().finally(() => {
      this.inflight = undefined;
    });
    return (await this.inflight).value;
  }

  /** Drops the token if it is still the one the caller used (a concurrent refresh may have replaced it). */
  invalidate(token: string): void {
    if (this.cached?.value === token) this.cached = undefined;
  }

  private async fetchToken(): Promise<CachedToken> {
    const { retry, logger } = this.config;
    let credentialsRefreshed = false;
    for (let attempt = 0; ; attempt++) {
      const credentials = await this.config.credentials(
        credentialsRefreshed ? { forceRefresh: true } : undefined,
      );
      const basic = Buffer.from(`${credentials.clientId}:${credentials.clientSecret}`).toString('base64');
      await this.pacer?.acquire();
      this.tokenRequests++;
      let result: AttemptResult;
      try {
        result = await this.config.send(
          `${this.config.baseUrl}${TOKEN_PATH}`,
          {
            method: 'POST',
            headers: {
              authorization: `Basic ${basic}`,
              'content-type': 'application/x-www-form-urlencoded',
              accept: 'application/json',
            },
            body: 'grant_type=client_credentials',
          },
          this.config.timeoutMs,
          'authentication.token',
        );
      } catch (error) {
        if (error instanceof TransatelNetworkError && attempt + 1 < retry.maxAttempts) {
          logger.warn('Transatel token request failed, retrying', { attempt, timedOut: error.timedOut });
          await sleep(nextDelayMs(attempt, undefined, retry, this.config.random));
          continue;
        }
        throw error;
      }

      if (result.ok) {
        const parsed = tokenResponseSchema.safeParse(safeJson(result.text));
        if (!parsed.success) {
          throw new TransatelAuthError({
            operation: 'authentication.token',
            status: result.status,
            title: 'INVALID_TOKEN_RESPONSE',
            detail: parsed.error.issues.map((issue) => issue.path.join('.') || issue.message).join(', '),
            requestId: result.requestId,
          });
        }
        const ttlMs = parsed.data.expires_in * 1000;
        // Renew early, but never so early that a short-lived token is renewed on every call.
        const skew = Math.min(this.config.tokenRefreshSkewMs, ttlMs / 10);
        logger.debug('Transatel token obtained', { expiresInSeconds: parsed.data.expires_in });
        this.cached = { value: parsed.data.access_token, expiresAt: this.now() + ttlMs - skew };
        return this.cached;
      }

      const problem = parseProblem(result.text);
      const rejected = result.status === 400 || result.status === 401;
      if (rejected && !credentialsRefreshed) {
        // The secret may have been rotated since we cached it: read it again once.
        credentialsRefreshed = true;
        logger.warn('Transatel rejected the client credentials, reloading them once', {
          status: result.status,
        });
        continue;
      }
      const retryAfterMs = parseRetryAfter(result.retryAfter);
      const retryable = result.status === 429 || result.status >= 500;
      if (retryable && attempt + 1 < retry.maxAttempts && (retryAfterMs ?? 0) <= retry.maxRetryAfterMs) {
        await sleep(nextDelayMs(attempt, retryAfterMs, retry, this.config.random));
        continue;
      }
      throw new TransatelAuthError({
        operation: 'authentication.token',
        status: result.status,
        title: problem.title,
        detail: problem.detail,
        requestId: result.requestId,
      });
    }
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
