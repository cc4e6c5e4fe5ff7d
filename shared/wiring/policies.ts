import { cachedFor, lazy } from '../lazy.js';
import type { Policy } from '../store/policy.js';
import * as z from '../zod.js';
import { policyStore } from './clients/policy-store.js';
import { loadConfig } from './config.js';

/**
 * The policies, as the engine and the sweep read them: cached per container for a few seconds, so that a burst
 * of events reads them once and a policy just created or changed is acted on within those seconds.
 */
const cacheEnv = z.object({
  POLICY_CACHE_SECONDS: z._default(z.coerce.number().check(z.int(), z.minimum(0), z.maximum(3_600)), 5),
});

const cached = cachedFor(
  lazy(() => loadConfig(cacheEnv).POLICY_CACHE_SECONDS * 1000),
  () => policyStore().list(),
);

export function currentPolicies(now: number = Date.now()): Promise<Policy[]> {
  return cached.get(now);
}
