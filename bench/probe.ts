import { type IncomingMessage, Server } from 'node:http';

/**
 * Counts the requests every HTTP server of this process receives (the gateway, fauxqs, dynalite), by
 * operation: `X-Amz-Target` for the AWS emulators (DynamoDB_20120810.GetItem, AmazonSQS.SendMessage...),
 * else method and path with long ids folded. Bench instrumentation only: it wraps Server#emit once.
 */
const counts = new Map<string, number>();
let installed = false;

function operationOf(req: IncomingMessage): string {
  const target = req.headers['x-amz-target'];
  if (typeof target === 'string') return target.replace('DynamoDB_20120810.', 'DynamoDB.');
  const path = (req.url ?? '/').split('?')[0] ?? '/';
  if (path === '/' && req.method === 'POST') return 'SNS/SQS query API (POST /)';
  return `${req.method} ${path.replace(/\/[0-9A-Za-z-]{16,}/g, '/:id')}`;
}

export function installRequestProbe(): void {
  if (installed) return;
  installed = true;
  const emit = Server.prototype.emit;
  Server.prototype.emit = function (this: Server, event: string | symbol, ...args: unknown[]): boolean {
    if (event === 'request') {
      const operation = operationOf(args[0] as IncomingMessage);
      counts.set(operation, (counts.get(operation) ?? 0) + 1);
    }
    return Reflect.apply(emit, this, [event, ...args]) as boolean;
  } as typeof emit;
}

export function requestCounts(): Map<string, number> {
  return new Map(counts);
}

export function resetRequestCounts(): void {
  counts.clear();
}
