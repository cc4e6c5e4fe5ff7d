import { logger } from '#shared/lambda/logger.js';
import { lazy } from '#shared/lazy.js';
import { resolveClientConfig } from '#shared/transatel/config.js';
import { TransatelHttp } from '#shared/transatel/http.js';
import { loadConfig } from '../config.js';
import { transatelApiEnv } from '../env/transatel.js';
import { getTransatelCredentials } from '../secrets.js';

/** This container's Transatel HTTP layer: one token, one keep-alive agent and one pacer for every API it calls. */
export const transatelHttp = lazy(
  (): TransatelHttp => transatelHttpAt(loadConfig(transatelApiEnv).TRANSATEL_MAX_RPS),
);

/**
 * A Transatel HTTP layer paced at its own rate (unset: not paced), for a function that must keep to a share of
 * the rate limit of its own (the policy sweep), whatever the container's other work.
 */
export function transatelHttpAt(maxRequestsPerSecond: number | undefined): TransatelHttp {
  const env = loadConfig(transatelApiEnv);
  return new TransatelHttp(
    resolveClientConfig({
      baseUrl: env.TRANSATEL_BASE_URL,
      mvnoRef: env.TRANSATEL_MVNO_REF,
      cos: env.TRANSATEL_COS,
      ratePlan: env.TRANSATEL_RATE_PLAN,
      defaultOptions: env.TRANSATEL_DEFAULT_OPTIONS,
      maxRequestsPerSecond,
      credentials: getTransatelCredentials,
      logger: {
        debug: (message, attributes) => logger.debug(message, attributes ?? {}),
        warn: (message, attributes) => logger.warn(message, attributes ?? {}),
      },
    }),
  );
}

/**
 * One Transatel API (ConnectivityApi, OcsInventoryApi, ...) over the container's HTTP layer, built on first
 * use. A function names the APIs it calls, so its bundle carries only their code and response schemas rather
 * than the whole client's (shared/transatel/client.ts, used by the local tools and the tests).
 */
export function transatelApi<Api>(Api: new (http: TransatelHttp) => Api): () => Api {
  return lazy(() => new Api(transatelHttp()));
}
