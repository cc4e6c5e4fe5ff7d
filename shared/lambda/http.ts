import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy, { type MiddlewareObj } from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import type { Context } from 'aws-lambda';
import { auditTrail } from './audit.js';
import type { HttpEvent, HttpResponse } from './http-event.js';
import {
  assertBodyWithinLimit,
  defaultMaxBodyBytes,
  type HttpInput,
  type HttpRequestSpec,
  parseHttpInput,
} from './http-input.js';
import { appendOrderContext, logger } from './logger.js';
import { HttpError, type ProblemDetails, problemContentType, problemTypes } from './problem.js';

export type { HttpEvent, HttpResponse } from './http-event.js';
export type { HttpInput, HttpRequestSpec } from './http-input.js';
export { HttpError, isHttpError, type ProblemDetails, problemTypes } from './problem.js';

export type HttpLambdaHandler = (event: HttpEvent, context: Context) => Promise<HttpResponse>;

/** What a route handler returns; `body` is serialised as JSON unless it is a string with its own content-type. */
export interface HttpResult {
  statusCode: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type HttpRouteHandler<Spec extends HttpRequestSpec> = (
  input: HttpInput<Spec>,
  event: HttpEvent,
  context: Context,
) => Promise<HttpResult>;

export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): HttpResult {
  return { statusCode, body, headers };
}

export function noContent(headers: Record<string, string> = {}): HttpResult {
  return { statusCode: 204, headers };
}

function hasHeader(headers: Record<string, string>, name: string): boolean {
  return Object.keys(headers).some((key) => key.toLowerCase() === name);
}

export function toHttpResponse(result: HttpResult): HttpResponse {
  const headers = { ...result.headers };
  if (result.body === undefined) return { statusCode: result.statusCode, headers };
  if (typeof result.body === 'string' && hasHeader(headers, 'content-type')) {
    return { statusCode: result.statusCode, headers, body: result.body };
  }
  if (!hasHeader(headers, 'content-type')) headers['content-type'] = 'application/json';
  return { statusCode: result.statusCode, headers, body: JSON.stringify(result.body) };
}

export function problemResponse(problem: ProblemDetails, headers: Record<string, string> = {}): HttpResponse {
  return {
    statusCode: problem.status,
    headers: { ...headers, 'content-type': problemContentType },
    body: JSON.stringify(problem),
  };
}

type HttpMiddleware = MiddlewareObj<HttpEvent, HttpResponse>;

/** One line per request, and a correlation id on every line in between. */
const requestLogging = (): HttpMiddleware => {
  // Keyed by event: the local runtime may run one handler for several requests at once.
  const startedAt = new WeakMap<HttpEvent, number>();
  const logCompletion = (event: HttpEvent, response: HttpResponse | null | undefined) => {
    const started = startedAt.get(event);
    logger.info('request completed', {
      method: event.requestContext?.http?.method,
      path: event.rawPath,
      statusCode: response?.statusCode,
      ...(started === undefined ? {} : { durationMs: Date.now() - started }),
    });
  };
  return {
    before: ({ event }) => {
      startedAt.set(event, Date.now());
      const requestId = event.requestContext?.requestId;
      if (requestId) logger.appendKeys({ correlation_id: requestId });
    },
    after: ({ event, response }) => logCompletion(event, response),
    onError: ({ event, response }) => logCompletion(event, response),
  };
};

const bodySizeLimit = (maxBodyBytes: number): HttpMiddleware => ({
  before: ({ event }) => assertBodyWithinLimit(event, maxBodyBytes),
});

/** middy's own error when the function's time is about to run out (its `timeoutEarlyResponse`). */
function isFunctionTimeout(error: unknown): boolean {
  return (
    error instanceof Error &&
    error.name === 'TimeoutError' &&
    (error.cause as { package?: unknown } | undefined)?.package === '@middy/core'
  );
}

/** Every error becomes a problem response; unexpected ones are logged and answered with an opaque 500. */
const problemErrors = (): HttpMiddleware => ({
  onError: (request) => {
    const { error, event } = request;
    const instance = event.rawPath;
    if (error instanceof HttpError) {
      if (error.status >= 500) {
        logger.error('request failed', { error, status: error.status });
      } else {
        logger.info('request rejected', { status: error.status, type: error.type, detail: error.detail });
      }
      request.response = problemResponse(error.toProblem(instance), error.headers);
      return;
    }
    if (isFunctionTimeout(error)) {
      // Out of time, not broken: the work done so far stands, and a replay with the same Idempotency-Key
      // finishes it (the ordering routes pick their order ids before any write).
      logger.error('function timed out before answering', { error });
      const outOfTime = HttpError.unavailable(
        'The request ran out of time before it was answered; part of it may be done. Repeat it with the same Idempotency-Key to finish it.',
        1,
      );
      request.response = problemResponse(outOfTime.toProblem(instance), outOfTime.headers);
      return;
    }
    logger.error('unhandled error', { error });
    request.response = problemResponse({
      type: problemTypes.internal,
      title: 'Internal Server Error',
      status: 500,
      detail: 'An unexpected error occurred.',
      ...(instance === undefined ? {} : { instance }),
    });
  },
});

/**
 * Wraps a route handler for API Gateway HTTP API (v2): body size limit (413), JSON body (400),
 * zod validation of params, query, headers and body (400 naming each field), problem responses for
 * `HttpError`s and opaque 500s for anything else, and per-request log context (`orderId` and
 * `iccid` from the path parameters when present). With `spec.audit`, each call's SIMs get an operator action
 * in their history once the answer is known, whatever it is (see audit.ts).
 */
export function httpHandler<const Spec extends HttpRequestSpec>(
  spec: Spec,
  handle: HttpRouteHandler<Spec>,
): HttpLambdaHandler {
  const routeHandler = async (event: HttpEvent, context: Context): Promise<HttpResponse> => {
    const input = parseHttpInput(spec, event);
    const pathParameters = event.pathParameters ?? {};
    appendOrderContext({ orderId: pathParameters.orderId, iccid: pathParameters.iccid });
    return toHttpResponse(await handle(input, event, context));
  };

  const stack = middy<HttpEvent, HttpResponse>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(httpHeaderNormalizer())
    .use(requestLogging());
  // Used before problemErrors, so that its onError runs after it: it sees the problem answer too.
  if (spec.audit) stack.use(auditTrail(spec.audit));
  return stack
    .use(bodySizeLimit(spec.maxBodyBytes ?? defaultMaxBodyBytes))
    .use(problemErrors())
    .handler(routeHandler);
}
