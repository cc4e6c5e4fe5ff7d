import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  /** The query string, `?` included (empty when there is none). */
  query: string;
  headers: IncomingMessage['headers'];
  body: string;
  at: number;
}

export type ScriptedHandler = (request: RecordedRequest, response: ServerResponse) => void | Promise<void>;

/**
 * A real HTTP server on 127.0.0.1:0 whose answers a test scripts route by route, for behaviour the
 * simulator cannot be asked for precisely (an exact sequence of failures).
 */
export async function startScriptedServer(routes: Record<string, ScriptedHandler>) {
  const requests: RecordedRequest[] = [];
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', 'http://local');
    const recorded: RecordedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.search,
      headers: req.headers,
      body: Buffer.concat(chunks).toString('utf8'),
      at: Date.now(),
    };
    requests.push(recorded);
    const handler = routes[`${recorded.method} ${recorded.path}`] ?? routes['*'];
    if (!handler) {
      res
        .writeHead(404, { 'content-type': 'application/problem+json' })
        .end(JSON.stringify({ title: 'NOT_FOUND', status: 404 }));
      return;
    }
    await handler(recorded, res);
  });
  let connections = 0;
  server.on('connection', () => {
    connections++;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    /** TCP connections accepted so far (keep-alive reuse shows as fewer connections than requests). */
    connections: () => connections,
    count: (method: string, path: string) =>
      requests.filter((r) => r.method === method && r.path === path).length,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function json(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, {
    'content-type': status >= 400 ? 'application/problem+json' : 'application/json',
    ...headers,
  });
  res.end(JSON.stringify(body));
}

export const tokenOk =
  (ttlSeconds = 3600, counter?: { n: number }): ScriptedHandler =>
  (_req, res) => {
    if (counter) counter.n++;
    json(res, 200, {
      access_token: `token-${counter?.n ?? 0}-${Math.random()}`,
      token_type: 'bearer',
      expires_in: ttlSeconds,
    });
  };
