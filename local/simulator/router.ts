import type { HttpResult, RequestContext } from './http.js';
import type { RouteId } from './types.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export type Handler = (ctx: RequestContext) => HttpResult | Promise<HttpResult>;

export interface RouteDef {
  method: HttpMethod;
  /** e.g. '/connectivity-management/subscribers/api/subscribers/sim-serial/:simSerial' */
  pattern: string;
  handler: Handler;
  /** API routes only: the id faults and counters use. */
  id?: RouteId;
  /** Bearer token required (default true for API routes). */
  auth?: boolean;
}

export type RouteMatch =
  | { kind: 'found'; route: RouteDef; params: Record<string, string> }
  | { kind: 'method-not-allowed'; allow: string[] }
  | { kind: 'not-found' };

interface CompiledRoute {
  def: RouteDef;
  segments: string[];
}

function splitPath(path: string): string[] {
  return path.split('/').filter((s) => s !== '');
}

export class Router {
  private readonly routes: CompiledRoute[] = [];

  constructor(defs: readonly RouteDef[] = []) {
    for (const def of defs) this.add(def);
  }

  add(def: RouteDef): void {
    this.routes.push({ def, segments: splitPath(def.pattern) });
  }

  match(method: string, path: string): RouteMatch {
    const segments = splitPath(path);
    const allow: string[] = [];
    for (const route of this.routes) {
      const params = matchSegments(route.segments, segments);
      if (!params) continue;
      if (route.def.method === method) return { kind: 'found', route: route.def, params };
      allow.push(route.def.method);
    }
    return allow.length > 0 ? { kind: 'method-not-allowed', allow } : { kind: 'not-found' };
  }
}

function matchSegments(pattern: string[], actual: string[]): Record<string, string> | undefined {
  if (pattern.length !== actual.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern[i] ?? '';
    const a = actual[i] ?? '';
    if (p.startsWith(':')) {
      try {
        params[p.slice(1)] = decodeURIComponent(a);
      } catch {
        return undefined;
      }
    } else if (p !== a) {
      return undefined;
    }
  }
  return params;
}
