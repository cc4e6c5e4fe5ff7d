import { setTimeout as sleep } from 'node:timers/promises';
import * as z from 'zod';
import { CliError, InterruptedError, isAbortError } from './io.js';
import type { RequestSigner } from './sigv4.js';

/** An answer of the API other than 2xx, read from its problem+json (or API Gateway's `{ message }`). */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
    readonly errors: readonly { path: string; message: string }[] = [],
  ) {
    super(`${status} ${title}: ${detail}`);
  }

  /** One line: status, title, detail, and any field errors the detail does not already name. */
  describe(): string {
    const extra = this.errors
      .map((error) => `${error.path}: ${error.message}`)
      .filter((text) => !this.detail.includes(text));
    const detail = [this.detail === this.title ? '' : this.detail, ...extra]
      .filter((part) => part !== '')
      .join('; ');
    return `${this.status} ${this.title}${detail ? `: ${detail}` : ''}`;
  }
}

export interface RequestOptions<T> {
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  headers?: Record<string, string>;
  /** Validates (and types) the answer. */
  schema?: z.core.$ZodType<T>;
  /** Retry transient failures (network, 429, 502-504). Only for reads and idempotent writes. */
  retry?: boolean;
  /** The answer's text as it came (a report's CSV), not parsed as JSON. */
  raw?: boolean;
}

export interface ApiClientOptions {
  baseUrl: string;
  fetch?: typeof fetch;
  sign?: RequestSigner;
  signal?: AbortSignal;
  timeoutMs?: number;
  maxAttempts?: number;
}

const TRANSIENT = new Set([429, 502, 503, 504]);
/** Nobody listening, or no such host: trying again at once will not help. */
const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN']);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function toApiError(status: number, statusText: string, body: unknown, text: string): ApiError {
  if (isRecord(body)) {
    const title = typeof body.title === 'string' ? body.title : statusText || 'Error';
    const detail =
      typeof body.detail === 'string' ? body.detail : typeof body.message === 'string' ? body.message : '';
    const errors = Array.isArray(body.errors)
      ? body.errors
          .filter(isRecord)
          .map((error) => ({ path: String(error.path), message: String(error.message) }))
      : [];
    return new ApiError(status, title, detail, errors);
  }
  return new ApiError(status, statusText || 'Error', text.trim().slice(0, 200));
}

const TIMED_OUT = 'timeout';

function unreachable(url: URL, reason: string, timeoutMs: number): string {
  if (reason === TIMED_OUT) return `no answer from ${url.origin} within ${timeoutMs / 1000} s`;
  const local = url.hostname === '127.0.0.1' || url.hostname === 'localhost';
  return `cannot reach ${url.origin} (${reason})${local ? ': is the local system running (npm start)?' : ''}`;
}

function retryDelayMs(attempt: number, retryAfter: string | null): number {
  const seconds = retryAfter === null ? Number.NaN : Number(retryAfter);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.min(seconds * 1000, 30_000);
  return Math.min(250 * 2 ** attempt, 8_000) * (0.5 + Math.random() / 2);
}

/** The public API over fetch: JSON in and out, problem+json errors, optional SigV4. */
export class ApiClient {
  readonly baseUrl: string;
  readonly #fetch: typeof fetch;
  readonly #sign: RequestSigner | undefined;
  readonly #signal: AbortSignal | undefined;
  readonly #timeoutMs: number;
  readonly #maxAttempts: number;

  constructor(options: ApiClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.#fetch = options.fetch ?? fetch;
    this.#sign = options.sign;
    this.#signal = options.signal;
    this.#timeoutMs = options.timeoutMs ?? 30_000;
    this.#maxAttempts = options.maxAttempts ?? 5;
  }

  url(path: string, query: RequestOptions<unknown>['query'] = {}): URL {
    const url = new URL(`${this.baseUrl}${path}`);
    for (const [name, value] of Object.entries(query)) {
      if (value !== undefined) url.searchParams.set(name, String(value));
    }
    return url;
  }

  async request<T = unknown>(method: string, path: string, options: RequestOptions<T> = {}): Promise<T> {
    return (await this.requestWithStatus(method, path, options)).body;
  }

  /** The answer with its status, for routes whose 2xx statuses differ in meaning (PUT: 201 created, 200 replaced). */
  async requestWithStatus<T = unknown>(
    method: string,
    path: string,
    options: RequestOptions<T> = {},
  ): Promise<{ status: number; body: T }> {
    const url = this.url(path, options.query);
    const body = options.body === undefined ? undefined : JSON.stringify(options.body);
    const maxAttempts = options.retry ? this.#maxAttempts : 1;
    for (let attempt = 0; ; attempt += 1) {
      const outcome = await this.#attempt(method, url, body, options.headers ?? {});
      const last = attempt + 1 >= maxAttempts;
      if (outcome.kind === 'network') {
        if (last || UNREACHABLE.has(outcome.reason))
          throw new CliError(unreachable(url, outcome.reason, this.#timeoutMs));
      } else if (outcome.response.ok) {
        const { status } = outcome.response;
        if (options.raw) return { status, body: (await outcome.response.text()) as T };
        return { status, body: await this.#parse(method, path, outcome.response, options.schema) };
      } else if (last || !TRANSIENT.has(outcome.response.status)) {
        throw await this.#error(outcome.response);
      }
      const retryAfter = outcome.kind === 'response' ? outcome.response.headers.get('retry-after') : null;
      if (outcome.kind === 'response') await outcome.response.body?.cancel();
      try {
        await sleep(
          retryDelayMs(attempt, retryAfter),
          undefined,
          this.#signal ? { signal: this.#signal } : {},
        );
      } catch {
        throw new InterruptedError();
      }
    }
  }

  async #attempt(
    method: string,
    url: URL,
    body: string | undefined,
    extraHeaders: Record<string, string>,
  ): Promise<{ kind: 'response'; response: Response } | { kind: 'network'; reason: string }> {
    let headers: Record<string, string> = { accept: 'application/json', ...extraHeaders };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (this.#sign)
      headers = await this.#sign({ method, url, headers, ...(body === undefined ? {} : { body }) });
    const timeout = AbortSignal.timeout(this.#timeoutMs);
    const signal = this.#signal ? AbortSignal.any([this.#signal, timeout]) : timeout;
    try {
      const response = await this.#fetch(url, {
        method,
        headers,
        ...(body === undefined ? {} : { body }),
        signal,
      });
      return { kind: 'response', response };
    } catch (error) {
      if (this.#signal?.aborted) throw new InterruptedError();
      if (isAbortError(error)) return { kind: 'network', reason: TIMED_OUT };
      const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
      const code = isRecord(cause) && typeof cause.code === 'string' ? cause.code : undefined;
      return { kind: 'network', reason: code ?? (cause instanceof Error ? cause.message : String(cause)) };
    }
  }

  async #parse<T>(
    method: string,
    path: string,
    response: Response,
    schema: z.core.$ZodType<T> | undefined,
  ): Promise<T> {
    const text = await response.text();
    let body: unknown;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      throw new CliError(`${method} ${path}: the answer (${response.status}) is not JSON`);
    }
    if (!schema) return body as T;
    const parsed = z.safeParse(schema, body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new CliError(
        `${method} ${path}: unexpected answer (${issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'invalid'})`,
      );
    }
    return parsed.data;
  }

  async #error(response: Response): Promise<ApiError> {
    const text = await response.text().catch(() => '');
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    return toApiError(response.status, response.statusText, body, text);
  }
}
