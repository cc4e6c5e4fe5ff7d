import { logger } from '#shared/lambda/logger.js';
import { scheduledHandler } from '#shared/lambda/scheduled.js';
import { lazy } from '#shared/lazy.js';
import { sweep } from '#shared/policies/sweep.js';
import { ConnectivityApi } from '#shared/transatel/connectivity.js';
import { OcsInventoryApi } from '#shared/transatel/ocs-inventory.js';
import { SimSearchApi } from '#shared/transatel/sim-search.js';
import { policyLedger } from '#shared/wiring/clients/policy-ledger.js';
import { transatelHttpAt } from '#shared/wiring/clients/transatel.js';
import { loadConfig } from '#shared/wiring/config.js';
import { publishNotification } from '#shared/wiring/notifier.js';
import { currentPolicies } from '#shared/wiring/policies.js';
import * as z from '#shared/zod.js';

const sweepEnv = z.object({
  /** The sweep's share of Transatel's rate limit, in requests per second (infra: 20 % of the stage's limit). */
  POLICY_SWEEP_MAX_RPS: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(1_000)), 2),
});

/** Its own HTTP layer, paced to its own share: the workers' budget is theirs, whatever the sweep reads. */
const transatel = lazy(() => {
  const http = transatelHttpAt(loadConfig(sweepEnv).POLICY_SWEEP_MAX_RPS);
  return {
    simSearch: new SimSearchApi(http),
    connectivity: new ConnectivityApi(http),
    ocsInventory: new OcsInventoryApi(http),
  };
});

/** Time kept back from the function's timeout to report what was read. */
const REPORT_MARGIN_MS = 5_000;

/** Every few minutes: the balances of the SIMs in scope of threshold and expiring policies, and what fired. */
export const handler = scheduledHandler(async (context) => {
  const started = Date.now();
  const report = await sweep({
    policies: () => currentPolicies(),
    ledger: policyLedger(),
    transatel: transatel(),
    notify: publishNotification,
    now: () => new Date(),
    deadline: started + context.getRemainingTimeInMillis() - REPORT_MARGIN_MS,
  });
  const seconds = (Date.now() - started) / 1000;
  const calls = report.balancesRead + report.subscribersRead;
  logger.info('policy sweep done', {
    ...report,
    seconds,
    transatelReadsPerSecond: seconds > 0 ? Math.round((calls / seconds) * 10) / 10 : calls,
    maxRequestsPerSecond: loadConfig(sweepEnv).POLICY_SWEEP_MAX_RPS,
  });
  return { ...report, seconds };
});
