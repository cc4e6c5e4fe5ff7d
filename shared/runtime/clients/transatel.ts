import { createTransatelClient, type TransatelClient } from '../../transatel/client.js';
import { loadConfig, transatelApiEnv } from '../config.js';
import { lazy } from '../lazy.js';
import { logger } from '../logger.js';
import { getTransatelCredentials } from '../secrets.js';

export const transatelClient = lazy((): TransatelClient => {
  const env = loadConfig(transatelApiEnv);
  return createTransatelClient({
    baseUrl: env.TRANSATEL_BASE_URL,
    mvnoRef: env.TRANSATEL_MVNO_REF,
    cos: env.TRANSATEL_COS,
    ratePlan: env.TRANSATEL_RATE_PLAN,
    defaultOptions: env.TRANSATEL_DEFAULT_OPTIONS,
    maxRequestsPerSecond: env.TRANSATEL_MAX_RPS,
    credentials: getTransatelCredentials,
    logger: {
      debug: (message, attributes) => logger.debug(message, attributes ?? {}),
      warn: (message, attributes) => logger.warn(message, attributes ?? {}),
    },
  });
});
