import { randomBytes, timingSafeEqual } from 'node:crypto';
import { ProblemError } from './problem.js';

export const TOKEN_SCOPE = [
  'CONNECTIVITY_MANAGEMENT_READ',
  'CONNECTIVITY_MANAGEMENT_WRITE',
  'SEARCH-SIM_SIM_READ',
  'SIMS_ESIM_READ',
  'NETWORK-USAGE_CDR_READ',
  'CATALOG_PRODUCTS_READ',
  'INVENTORY_SUBSCRIPTIONS_READ',
  'SUBSCRIPTIONS_ORDERS_WRITE',
  'USER_READ',
].join(' ');

export class TokenStore {
  private readonly tokens = new Map<string, number>();

  issue(ttlSeconds: number, now = Date.now()): string {
    const token = randomBytes(32).toString('base64url');
    this.tokens.set(token, now + ttlSeconds * 1000);
    return token;
  }

  isValid(token: string, now = Date.now()): boolean {
    const expiresAt = this.tokens.get(token);
    if (expiresAt === undefined) return false;
    if (expiresAt <= now) {
      this.tokens.delete(token);
      return false;
    }
    return true;
  }

  revokeAll(): number {
    const n = this.tokens.size;
    this.tokens.clear();
    return n;
  }
}

/** Throws the 401 UNAUTHORIZED problem unless the Authorization header carries a live bearer token. */
export function requireBearer(header: string | undefined, tokens: TokenStore): void {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  if (!m?.[1])
    throw new ProblemError(401, 'UNAUTHORIZED', 'Full authentication is required to access this resource');
  if (!tokens.isValid(m[1])) throw new ProblemError(401, 'UNAUTHORIZED', 'Invalid or expired access token');
}

export interface BasicCredentials {
  clientId: string;
  clientSecret: string;
}

export function parseBasic(header: string | undefined): BasicCredentials | undefined {
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  if (!m?.[1]) return undefined;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { clientId: decoded.slice(0, colon), clientSecret: decoded.slice(colon + 1) };
}

export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
