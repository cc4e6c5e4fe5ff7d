import { parseBasic, sameSecret, TOKEN_SCOPE } from '../auth.js';
import type { SimulatorCore } from '../core.js';
import type { HttpResult } from '../http.js';
import type { RouteDef } from '../router.js';

const NO_STORE = { 'Cache-Control': 'no-store', Pragma: 'no-cache' };

function oauthError(
  status: number,
  error: string,
  description: string,
  extra?: Record<string, string>,
): HttpResult {
  return { status, body: { error, error_description: description }, headers: { ...NO_STORE, ...extra } };
}

export function authRoutes(core: SimulatorCore): RouteDef[] {
  return [
    {
      id: 'token',
      method: 'POST',
      pattern: '/authentication/api/token',
      auth: false,
      handler: (ctx) => {
        core.counters.tokenRequests += 1;
        const creds = parseBasic(ctx.headers.authorization);
        const { clientId, clientSecret } = core.credentials;
        if (
          !creds ||
          !sameSecret(creds.clientId, clientId) ||
          !sameSecret(creds.clientSecret, clientSecret)
        ) {
          const status = core.variant.badClientStatus;
          return oauthError(
            status,
            'invalid_client',
            'Bad client credentials',
            status === 401 ? { 'WWW-Authenticate': 'Basic realm="transatel"' } : undefined,
          );
        }
        const contentType = (ctx.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
        if (contentType !== 'application/x-www-form-urlencoded') {
          return oauthError(400, 'invalid_request', 'Content-Type must be application/x-www-form-urlencoded');
        }
        const grantType = new URLSearchParams(ctx.rawBody.toString('utf8')).get('grant_type');
        if (!grantType) return oauthError(400, 'invalid_request', 'Missing grant_type parameter');
        if (grantType !== 'client_credentials') {
          return oauthError(400, 'unsupported_grant_type', `Unsupported grant type: ${grantType}`);
        }
        const ttl = core.config.tokenTtlSeconds;
        return {
          status: 200,
          headers: NO_STORE,
          body: {
            access_token: core.tokens.issue(ttl),
            token_type: 'bearer',
            expires_in: ttl,
            scope: TOKEN_SCOPE,
          },
        };
      },
    },
  ];
}
