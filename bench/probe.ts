import { subscribe } from 'node:diagnostics_channel';
import type { ClientRequest, IncomingMessage } from 'node:http';

/**
 * Counts, by operation, the HTTP requests this process sends through node:http (the AWS SDK clients of the
 * functions and pollers, wherever the emulators run) and those its servers receive (the gateway):
 * `X-Amz-Target` for AWS JSON APIs (DynamoDB.GetItem, AmazonSQS.SendMessage...), else method and path with
 * long ids folded. Bench instrumentation only, through diagnostics_channel.
 */
const counts = new Map<string, number>();
let installed = false;

function operation(method: string, rawPath: string, target: unknown, direction: 'sent' | 'received') {
  if (typeof target === 'string') return `${direction}: ${target.replace('DynamoDB_20120810.', 'DynamoDB.')}`;
  const path = rawPath.split('?')[0] ?? '/';
  if (path === '/' && method === 'POST') return `${direction}: SNS query API (POST /)`;
  return `${direction}: ${method} ${path.replace(/\/(?=[^/]*[0-9])[0-9A-Za-z-]{16,}/g, '/:id')}`;
}

function count(key: string): void {
  counts.set(key, (counts.get(key) ?? 0) + 1);
}

export function installRequestProbe(): void {
  if (installed) return;
  installed = true;
  subscribe('http.client.request.start', (message) => {
    const { request } = message as { request: ClientRequest };
    count(operation(request.method, request.path, request.getHeader('x-amz-target'), 'sent'));
  });
  subscribe('http.server.request.start', (message) => {
    const { request } = message as { request: IncomingMessage };
    count(
      operation(request.method ?? 'GET', request.url ?? '/', request.headers['x-amz-target'], 'received'),
    );
  });
}

export function requestCounts(): Map<string, number> {
  return new Map(counts);
}

export function resetRequestCounts(): void {
  counts.clear();
}
