import { logger } from '#shared/lambda/logger.js';
import { sqsHandler } from '#shared/lambda/sqs.js';
import { lazy } from '#shared/lazy.js';
import { reportMessageSchema } from '#shared/reports/report.js';
import { failReport, runReport } from '#shared/reports/run.js';
import { queues, REPORT_MAX_RPS_ENV } from '#shared/topology.js';
import { ConnectivityApi } from '#shared/transatel/connectivity.js';
import { NetworkUsageApi } from '#shared/transatel/network-usage.js';
import { OcsCatalogApi } from '#shared/transatel/ocs-catalog.js';
import { OcsInventoryApi } from '#shared/transatel/ocs-inventory.js';
import { SimSearchApi } from '#shared/transatel/sim-search.js';
import { orderStore } from '#shared/wiring/clients/dynamo.js';
import { historyStore } from '#shared/wiring/clients/history.js';
import { reportStore } from '#shared/wiring/clients/reports.js';
import { transatelHttpAt } from '#shared/wiring/clients/transatel.js';
import { loadConfig } from '#shared/wiring/config.js';
import { reportPacingEnv } from '#shared/wiring/env/reports.js';

/** Its own HTTP layer, paced to the reports' share (as the policy sweep keeps to its own). */
const transatel = lazy(() => {
  const http = transatelHttpAt(loadConfig(reportPacingEnv)[REPORT_MAX_RPS_ENV]);
  return {
    simSearch: new SimSearchApi(http),
    connectivity: new ConnectivityApi(http),
    ocsInventory: new OcsInventoryApi(http),
    networkUsage: new NetworkUsageApi(http),
    ocsCatalog: new OcsCatalogApi(http),
  };
});

/** Time kept back from the function's timeout to write what was read. */
const WRITE_MARGIN_MS = 20_000;

/** One report per message: computed from Transatel's inventory and written to the reports bucket. */
export const handler = sqsHandler(reportMessageSchema, async ({ reportId }, record, context) => {
  const started = Date.now();
  try {
    const outcome = await runReport(
      {
        store: reportStore(),
        transatel: transatel(),
        spend: {
          orders: orderStore(),
          history: historyStore(),
          catalog: () => transatel().ocsCatalog.listProducts(),
        },
        now: () => new Date(),
        deadline: started + context.getRemainingTimeInMillis() - WRITE_MARGIN_MS,
      },
      reportId,
    );
    logger.info('report run', { reportId, outcome, seconds: (Date.now() - started) / 1000 });
  } catch (error) {
    // The last delivery: the report says it failed rather than stay RUNNING once the message is in the DLQ.
    const receives = Number(record.attributes.ApproximateReceiveCount);
    if (receives >= queues.report.maxReceiveCount) {
      const reason = error instanceof Error ? error.message : String(error);
      await failReport(reportStore(), reportId, reason, new Date());
    }
    throw error;
  }
});
