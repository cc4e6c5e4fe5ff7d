import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { buildOpenApiDocument } from '../shared/api/openapi.js';
import { HttpError, problemContentType } from '../shared/lambda/problem.js';
import { type RouteSpec, routes as topologyRoutes } from '../shared/topology.js';
import { describeError, type HandlerLoader, invokeFunction, lambdaContext } from './handlers.js';
import { createRouter, toApiGatewayEvent } from './http-event.js';
import { type RuntimeLog, silentLog } from './log.js';

const HOST = '127.0.0.1';

/** The OpenAPI document of the public API, generated from its zod schemas. */
export const OPENAPI_PATH = '/v1/openapi.json';

/** API Gateway's payload quota for HTTP APIs. */
export const MAX_BODY_BYTES = 10 * 1024 * 1024;

export interface GatewayOptions {
  /** 0 (default): any free port. */
  port?: number;
  routes?: readonly RouteSpec[];
  loadHandler: HandlerLoader;
  maxBodyBytes?: number;
  /** Requests wait for it before reaching a handler: the stack applies the functions' env after listen. */
  ready?: Promise<void>;
  /** One info line per request, a warning per failed invocation. */
  log?: RuntimeLog;
  /** How long close() lets requests in flight finish. */
  closeGraceMs?: number;
}

export interface Gateway {
  url: string;
  port: number;
  close(): Promise<void>;
}

interface Reply {
  statusCode: number;
  headers: Record<string, string>;
  cookies?: string[];
  body?: Buffer;
}

function problemReply(
  status: number,
  detail: string,
  instance: string,
  headers: Record<string, string> = {},
) {
  const problem = new HttpError(status, { detail }).toProblem(instance);
  return {
    statusCode: status,
    headers: { ...headers, 'content-type': problemContentType },
    body: Buffer.from(JSON.stringify(problem)),
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * API Gateway's reading of a Lambda result (payload 2.0): a `{ statusCode, ... }` object is a response,
 * anything else is a 200 JSON body. Undefined when the result cannot be a response.
 */
export function toReply(result: unknown): Reply | undefined {
  if (!isRecord(result) || !('statusCode' in result)) {
    const body = typeof result === 'string' ? result : JSON.stringify(result ?? null);
    return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: Buffer.from(body) };
  }
  const structured = result as APIGatewayProxyStructuredResultV2;
  const { statusCode } = structured;
  if (
    typeof statusCode !== 'number' ||
    !Number.isInteger(statusCode) ||
    statusCode < 100 ||
    statusCode > 599
  ) {
    return undefined;
  }
  const headers = Object.fromEntries(
    Object.entries(structured.headers ?? {}).map(([name, value]) => [name.toLowerCase(), String(value)]),
  );
  const reply: Reply = { statusCode, headers };
  if (structured.cookies?.length) reply.cookies = structured.cookies;
  if (typeof structured.body === 'string') {
    reply.body = Buffer.from(structured.body, structured.isBase64Encoded ? 'base64' : 'utf8');
  }
  return reply;
}

/** Reads the body; past `limit` it keeps draining (so the client sees the answer) but keeps nothing. */
async function readBody(req: IncomingMessage, limit: number): Promise<Buffer | 'tooLarge'> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size <= limit) chunks.push(buffer);
  }
  return size > limit ? 'tooLarge' : Buffer.concat(chunks);
}

function send(res: ServerResponse, reply: Reply): void {
  if (res.headersSent || res.destroyed) return;
  for (const [name, value] of Object.entries(reply.headers)) res.setHeader(name, value);
  if (reply.cookies) res.setHeader('set-cookie', reply.cookies);
  res.setHeader('apigw-requestid', randomUUID());
  if (reply.body) res.setHeader('content-length', reply.body.length);
  res.writeHead(reply.statusCode);
  res.end(reply.body);
}

/**
 * The local API Gateway (HTTP API): matches the topology's routes, hands the route's function the
 * event API Gateway would, and writes back what it returns. Listens on 127.0.0.1 only.
 */
export async function startGateway(options: GatewayOptions): Promise<Gateway> {
  const match = createRouter(options.routes ?? topologyRoutes);
  const maxBodyBytes = options.maxBodyBytes ?? MAX_BODY_BYTES;
  const log = options.log ?? silentLog;
  const inFlight = new Set<Promise<void>>();

  async function respond(
    req: IncomingMessage,
    res: ServerResponse,
  ): Promise<{ status: number; fn?: string }> {
    const method = (req.method ?? 'GET').toUpperCase();
    const url = req.url ?? '/';
    const rawPath = url.split('?')[0] ?? '/';
    if (method === 'GET' && rawPath === OPENAPI_PATH) {
      // Served by the gateway itself: the document describes the API, it is not one of its functions.
      req.resume();
      const document = buildOpenApiDocument({ serverUrl: `http://${HOST}:${req.socket.localPort}` });
      send(res, {
        statusCode: 200,
        headers: { 'content-type': 'application/json' },
        body: Buffer.from(JSON.stringify(document)),
      });
      return { status: 200 };
    }
    const found = match(method, rawPath);
    if (found.kind !== 'found') {
      req.resume();
      const reply =
        found.kind === 'notFound'
          ? problemReply(404, `No route for ${method} ${rawPath}`, rawPath)
          : problemReply(405, `${method} is not allowed on ${rawPath}`, rawPath, {
              allow: found.allow.join(', '),
            });
      send(res, reply);
      return { status: reply.statusCode };
    }

    const fn = found.route.function;
    const body = await readBody(req, maxBodyBytes);
    if (body === 'tooLarge') {
      const reply = problemReply(413, `The request body exceeds ${maxBodyBytes} bytes`, rawPath, {
        connection: 'close',
      });
      send(res, reply);
      return { status: 413, fn };
    }

    await options.ready;
    const event = toApiGatewayEvent(
      {
        method,
        url,
        rawHeaders: req.rawHeaders,
        httpVersion: req.httpVersion,
        sourceIp: req.socket.remoteAddress ?? HOST,
        localPort: req.socket.localPort ?? 0,
        body,
      },
      { routeKey: found.routeKey, pathParameters: found.pathParameters, iam: found.route.auth === 'iam' },
    );
    const invocation = await invokeFunction(options.loadHandler, fn, event, lambdaContext(fn));
    let reply: Reply | undefined;
    if (invocation.outcome === 'returned') {
      reply = toReply(invocation.value);
      if (!reply) log.warn(`${fn} returned a malformed response (no valid statusCode)`);
    } else if (invocation.outcome === 'threw') {
      const { error } = invocation;
      log.warn(`${fn} threw: ${error instanceof Error && error.stack ? error.stack : describeError(error)}`);
    } else {
      log.warn(`${fn} timed out after ${invocation.timeoutSeconds} s`);
    }
    reply ??= problemReply(500, 'Internal Server Error', rawPath);
    send(res, reply);
    return { status: reply.statusCode, fn };
  }

  const server = createServer((req, res) => {
    const started = performance.now();
    const work = respond(req, res)
      .catch((error: unknown) => {
        log.warn(`gateway error on ${req.method} ${req.url}: ${describeError(error)}`);
        send(res, problemReply(500, 'Internal Server Error', req.url ?? '/'));
        return { status: 500, fn: undefined };
      })
      .then(({ status, fn }) => {
        const ms = Math.round(performance.now() - started);
        log.info(`${req.method} ${req.url} -> ${status}${fn ? ` ${fn}` : ''} (${ms} ms)`);
      })
      .finally(() => inFlight.delete(work));
    inFlight.add(work);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, HOST, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  let closing: Promise<void> | undefined;
  return {
    url: `http://${HOST}:${port}`,
    port,
    close() {
      closing ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        let timer: NodeJS.Timeout | undefined;
        const grace = new Promise<void>((resolve) => {
          timer = setTimeout(resolve, options.closeGraceMs ?? 5_000);
        });
        await Promise.race([Promise.allSettled([...inFlight]), grace]);
        clearTimeout(timer);
        server.closeAllConnections();
        await closed;
      })();
      return closing;
    },
  };
}
