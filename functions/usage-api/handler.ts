import { iccidParamsSchema } from '#shared/api/requests/iccid.js';
import { usageQuerySchema } from '#shared/api/requests/usage.js';
import { HttpError, httpHandler, json } from '#shared/lambda/http.js';
import { callTransatel } from '#shared/lambda/transatel-errors.js';
import { ConnectivityApi } from '#shared/transatel/connectivity.js';
import { NetworkUsageApi } from '#shared/transatel/network-usage.js';
import { transatelApi } from '#shared/wiring/clients/transatel.js';
import type * as z from '#shared/zod.js';

const DAY_MS = 86_400_000;
const DEFAULT_RANGE_DAYS = 30;
const MAX_RANGE_DAYS = 366;

const connectivity = transatelApi(ConnectivityApi);
const networkUsage = transatelApi(NetworkUsageApi);

/**
 * The period asked for: `to` defaults to now and `from` to 30 days before `to`. A date without a time
 * is midnight UTC. Checked here because the defaults depend on the clock.
 */
function usageWindow(query: z.output<typeof usageQuerySchema>, now = new Date()): { from: Date; to: Date } {
  const to = query.to === undefined ? now : new Date(query.to);
  const from =
    query.from === undefined ? new Date(to.getTime() - DEFAULT_RANGE_DAYS * DAY_MS) : new Date(query.from);
  if (from.getTime() >= to.getTime()) {
    throw HttpError.validation([{ path: 'query.from', message: 'must be before query.to (default: now)' }]);
  }
  if (to.getTime() - from.getTime() > MAX_RANGE_DAYS * DAY_MS) {
    throw HttpError.validation([
      { path: 'query.from', message: `must be at most ${MAX_RANGE_DAYS} days before query.to` },
    ]);
  }
  return { from, to };
}

/** Time kept back from the function's timeout to answer with what was read. */
const ANSWER_MARGIN_MS = 2_000;

/** GET /v1/sims/{iccid}/usage?from=&to=&country=: data usage over the period, in total and by country. */
export const handler = httpHandler(
  { params: iccidParamsSchema, query: usageQuerySchema },
  async ({ params, query }, _event, context) => {
    const { iccid } = params;
    const { from, to } = usageWindow(query);
    // The subscriber read says whether Transatel knows the SIM (404 otherwise), and gives its IMSI when known.
    const subscriber = await callTransatel(() => connectivity().getSubscriber(iccid));
    const { country } = query;
    const deadline = Date.now() + context.getRemainingTimeInMillis() - ANSWER_MARGIN_MS;
    const report = await callTransatel(() =>
      networkUsage().getUsage({ iccid, imsi: subscriber.imsi, from, to, country, deadline }),
    );
    return json(200, {
      iccid,
      from: report.from,
      to: report.to,
      country,
      totalBytes: report.totalBytes,
      uplinkBytes: report.uplinkBytes,
      downlinkBytes: report.downlinkBytes,
      sessions: report.sessions,
      byCountry: report.byCountry,
      complete: report.complete,
    });
  },
);
