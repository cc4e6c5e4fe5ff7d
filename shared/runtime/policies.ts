import { cachedFor, lazy } from '../lazy.js';
import type { Policy } from '../store/policy.js';
import * as z from '../zod.js';
import { policyStore } from './clients/policy-store.js';
import { loadConfig } from './config.js';

/**
 * The policies, as the engine and the sweep read them: cached per container for a minute (a company has a
 * handful, and a changed policy is acted on within the minute), so a burst of events reads them once.
 */
const cacheEnv = z.object({
  POLICY_CACHE_SECONDS: z._default(z.coerce.number().check(z.int(), z.minimum(0), z.maximum(3_600)), 60),
});

const cached = cachedFor(
  lazy(() => loadConfig(cacheEnv).POLICY_CACHE_SECONDS * 1000),
  () => policyStore().list(),
);

export function currentPolicies(now: number = Date.now()): Promise<Policy[]> {
  return cached.get(now);
}
