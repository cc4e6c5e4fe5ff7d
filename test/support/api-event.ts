import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import type { HttpLambdaHandler } from '#shared/lambda/http.js';

export interface ApiEventInput {
  /** API Gateway's route key, e.g. `GET /v1/sims/{iccid}`; method and path template come from it. */
  routeKey: string;
  /** Defaults to the route key's path with the path parameters filled in. */
  rawPath?: string;
  pathParameters?: Record<string, string>;
  queryStringParameters?: Record<string, string>;
  headers?: Record<string, string>;
  /** A string is sent as is, anything else JSON-encoded; either way with `content-type: application/json` unless `headers` say otherwise. */
  body?: unknown;
}

function fillPath(template: string, parameters: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(parameters[name] ?? ''));
}

/** A synthetic API Gateway HTTP API (payload v2) event, as the gateway hands it to a Lambda. */
export function apiEvent(input: ApiEventInput): APIGatewayProxyEventV2 {
  const [method = 'GET', template = '/'] = input.routeKey.split(' ');
  const rawPath = input.rawPath ?? fillPath(template, input.pathParameters ?? {});
  const headers: Record<string, string> = {
    ...(input.body === undefined ? {} : { 'content-type': 'application/json' }),
    ...input.headers,
  };
  const query = input.queryStringParameters;
  return {
    version: '2.0',
    routeKey: input.routeKey,
    rawPath,
    rawQueryString: query ? new URLSearchParams(query).toString() : '',
    headers,
    ...(query ? { queryStringParameters: query } : {}),
    ...(input.pathParameters ? { pathParameters: input.pathParameters } : {}),
    ...(input.body === undefined
      ? {}
      : { body: typeof input.body === 'string' ? input.body : JSON.stringify(input.body) }),
    isBase64Encoded: false,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: 'localhost',
      domainPrefix: 'localhost',
      http: { method, path: rawPath, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'vitest' },
      requestId: `req-${Math.random().toString(36).slice(2)}`,
      routeKey: input.routeKey,
      stage: '$default',
      time: new Date().toUTCString(),
      timeEpoch: Date.now(),
    },
  };
}

export function lambdaContext(functionName = 'test-function'): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: `aws-${Math.random().toString(36).slice(2)}`,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'stream',
    getRemainingTimeInMillis: () => 30_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** What a test reads back from a handler's response. */
export interface ApiResult<T = Record<string, unknown>> {
  statusCode: number;
  headers: Record<string, string>;
  body: T;
}

/** Invokes `handler` with the event and parses the JSON body. */
export async function invoke<T = Record<string, unknown>>(
  handler: HttpLambdaHandler,
  input: ApiEventInput,
): Promise<ApiResult<T>> {
  const response = await handler(apiEvent(input), lambdaContext());
  const headers = Object.fromEntries(
    Object.entries(response.headers ?? {}).map(([name, value]) => [name.toLowerCase(), String(value)]),
  );
  return {
    statusCode: response.statusCode,
    headers,
    body: (response.body ? JSON.parse(response.body) : undefined) as T,
  };
}
