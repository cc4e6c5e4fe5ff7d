import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { adminRoutes } from './admin.js';
import { requireBearer } from './auth.js';
import { resolveOptions } from './config.js';
import { describe, SimulatorCore } from './core.js';
import type { CountersSnapshot } from './counters.js';
import { faultConfigSchema } from './faults.js';
import { type HttpResult, problemResult, type RequestContext, readBody, writeResult } from './http.js';
import { ProblemError } from './problem.js';
import { type RouteDef, Router } from './router.js';
import { authRoutes } from './routes/auth.js';
import { catalogRoutes } from './routes/catalog.js';
import { connectivityRoutes } from './routes/connectivity.js';
import { esimRoutes } from './routes/esim.js';
import { inventoryRoutes } from './routes/inventory.js';
import { ocsOrderRoutes } from './routes/ocsOrders.js';
import { simSearchRoutes } from './routes/simSearch.js';
import { usageRoutes } from './routes/usage.js';
import {
  type FaultConfig,
  MUTATING_ROUTES,
  type SimulatorOptions,
  type WebhookTargetConfig,
} from './types.js';

export interface RunningSimulator {
  url: string;
  port: number;
  /** Direct access to state, config, webhooks and counters (tests may inspect or drive it). */
  core: SimulatorCore;
  counters(): CountersSnapshot;
  reset(): void;
  setFaults(config: FaultConfig): void;
  addWebhookTarget(target: WebhookTargetConfig): Record<string, unknown>;
  close(): Promise<void>;
}

const HOST = '127.0.0.1';

function isAdminPath(path: string): boolean {
  return path === '/_sim' || path.startsWith('/_sim/');
}

export async function startSimulator(opts: SimulatorOptions = {}): Promise<RunningSimulator> {
  const options = resolveOptions(opts);
  const core = new SimulatorCore(options);
  const api = new Router([
    ...authRoutes(core),
    ...connectivityRoutes(core),
    ...simSearchRoutes(core),
    ...ocsOrderRoutes(core),
    ...inventoryRoutes(core),
    ...catalogRoutes(core),
    ...esimRoutes(core),
    ...usageRoutes(core),
  ]);
  const admin = new Router(adminRoutes(core));

  async function dispatch(req: IncomingMessage, ctx: RequestContext): Promise<HttpResult> {
    if (isAdminPath(ctx.path)) {
      const m = admin.match(ctx.method, ctx.path);
      if (m.kind === 'found') return m.route.handler({ ...ctx, params: m.params });
      return unmatched(m.kind === 'method-not-allowed' ? m.allow : undefined);
    }
    if (ctx.method === 'OPTIONS') return permissionProbe(ctx);
    const m = api.match(ctx.method, ctx.path);
    if (m.kind !== 'found') return unmatched(m.kind === 'method-not-allowed' ? m.allow : undefined);
    return runApiRoute(req, m.route, { ...ctx, params: m.params });
  }

  /** OPTIONS: 204 with the methods these credentials may use (all of them, in the simulator). */
  function permissionProbe(ctx: RequestContext): HttpResult {
    const m = api.match('OPTIONS', ctx.path);
    if (m.kind !== 'method-not-allowed')
      throw new ProblemError(404, 'NOT_FOUND', 'No API operation matches this path');
    requireBearer(ctx.headers.authorization, core.tokens);
    return { status: 204, headers: { Allow: ['OPTIONS', ...m.allow].join(', ') } };
  }

  async function runApiRoute(
    req: IncomingMessage,
    route: RouteDef,
    ctx: RequestContext,
  ): Promise<HttpResult> {
    const id = route.id;
    if (!id) return route.handler(ctx);
    core.counters.call(id);
    const fault = await core.faults.preflight(id);
    let result: HttpResult;
    try {
      if (fault) throw fault;
      if (route.auth !== false) requireBearer(ctx.headers.authorization, core.tokens);
      result = await route.handler(ctx);
    } catch (error) {
      result = toResult(error, ctx.path);
    }
    if (MUTATING_ROUTES.has(id) && result.status < 300 && core.faults.loseResponse(id)) {
      core.counters.response(id, 'lost');
      req.socket.destroy();
      result.after?.();
      return { ...result, lost: true };
    }
    core.counters.response(id, result.status);
    return result;
  }

  function toResult(error: unknown, path: string): HttpResult {
    if (error instanceof ProblemError) return problemResult(error, path);
    core.log(`internal error on ${path}: ${describe(error)}`);
    return problemResult(new ProblemError(500, 'INTERNAL_ERROR', 'Unexpected simulator error'), path);
  }

  const server = createServer((req, res) => {
    const started = performance.now();
    res.setHeader('X-TSL-Request-Id', randomUUID());
    const url = new URL(req.url ?? '/', `http://${HOST}`);
    const method = (req.method ?? 'GET').toUpperCase();
    const path = url.pathname;
    void (async () => {
      let result: HttpResult;
      try {
        const rawBody = await readBody(req);
        result = await dispatch(req, {
          method,
          path,
          query: url.searchParams,
          params: {},
          headers: req.headers,
          rawBody,
        });
      } catch (error) {
        result = toResult(error, path);
      }
      const ms = Math.round(performance.now() - started);
      if (result.lost) {
        core.log(`${method} ${path} -> response lost after commit (${ms} ms)`);
        return;
      }
      if (!res.destroyed) writeResult(res, result);
      result.after?.();
      core.log(`${method} ${path} -> ${result.status} (${ms} ms)`);
    })();
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, HOST, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;

  let closing: Promise<void> | undefined;
  return {
    url: `http://${HOST}:${port}`,
    port,
    core,
    counters: () => core.counters.snapshot(core.webhooks.pendingCount()),
    reset: () => core.reset(),
    setFaults: (config) => core.faults.set(faultConfigSchema.parse(config)),
    addWebhookTarget: (target) => core.webhooks.addTarget(target),
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        core.close();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

function unmatched(allow: string[] | undefined): never {
  if (allow) {
    throw new ProblemError(405, 'METHOD_NOT_ALLOWED', `Method not allowed; allowed: ${allow.join(', ')}`, {
      Allow: allow.join(', '),
    });
  }
  throw new ProblemError(404, 'NOT_FOUND', 'No API operation matches this path');
}
