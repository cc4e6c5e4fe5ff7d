import type { Context } from 'aws-lambda';
import type { HttpEvent, HttpLambdaHandler, HttpResponse } from './http.js';
import { problemResponse, problemTypes } from './http.js';

/**
 * One Lambda serving several routes (API Gateway's `routeKey`, e.g. `GET /v1/sims/{iccid}`), each
 * route with its own `httpHandler` stack.
 */
export function routeHandlers(routes: Record<string, HttpLambdaHandler>): HttpLambdaHandler {
  return async (event: HttpEvent, context: Context): Promise<HttpResponse> => {
    const route = routes[event.routeKey];
    if (route) return route(event, context);
    return problemResponse({
      type: problemTypes.notFound,
      title: 'Not Found',
      status: 404,
      detail: `No route ${event.routeKey}`,
      instance: event.rawPath,
    });
  };
}
