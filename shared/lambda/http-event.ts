import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

/**
 * The API Gateway HTTP API (v2) event an HTTP function is called with, and the answer it gives: in a module of
 * their own, below http.ts, so that what http.ts wraps a handler in (audit.ts, caller.ts) can name them too.
 */

export type HttpEvent = APIGatewayProxyEventV2;
/** What the wrapped handler returns: always a status code, body always a string when present. */
export type HttpResponse = APIGatewayProxyStructuredResultV2 & { statusCode: number };
