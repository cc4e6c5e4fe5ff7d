import { logger } from '#shared/lambda/logger.js';
import { sqsHandler } from '#shared/lambda/sqs.js';
import { lazy } from '#shared/lazy.js';
import { reportMessageSchema } from '#shared/reports/report.js';
import { failReport, runReport } from '#shared/reports/run.js';
import type { HistoryStore } from '#shared/store/history.js';
import type { OrderStore } from '#shared/store/order-store.js';
import { queues, REPORT_MAX_RPS_ENV } from '#shared/topology.js';
import { ConnectivityApi } from '#shared/transatel/connectivity.js';
import { NetworkUsageApi } from '#shared/transatel/network-usage.js';
import { OcsCatalogApi } from '#shared/transatel/ocs-catalog.js';
import { OcsInventoryApi } from '#shared/transatel/ocs-inventory.js';
import { SimSearchApi } from '#shared/transatel/sim-search.js';
import { reportStore } from '#shared/wiring/clients/report-store.js';
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

/**
 * The orders and history tables, which the spend report alone reads: their DynamoDB client and the order
 * schema are loaded by the first spend report of the container, not by every report's cold start.
 */
const spendTables = lazy(async () => {
  const [{ orderStore }, { historyStore }] = await Promise.all([
    import('#shared/wiring/clients/dynamo.js'),
    import('#shared/wiring/clients/history.js'),
  ]);
  return { orders: orderStore(), history: historyStore() };
});

const spendOrders: Pick<OrderStore, 'listByIccid'> = {
  listByIccid: async (iccid) => (await spendTables()).orders.listByIccid(iccid),
};
const spendHistory: Pick<HistoryStore, 'list'> = {
  list: async (iccid, query) => (await spendTables()).history.list(iccid, query),
};

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
          orders: spendOrders,
          history: spendHistory,
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
