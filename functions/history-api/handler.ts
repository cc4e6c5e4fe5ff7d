import { simEventsQuerySchema } from '#shared/api/requests/history.js';
import { iccidParamsSchema } from '#shared/api/requests/iccid.js';
import { HttpError, httpHandler, json } from '#shared/lambda/http.js';
import { orderStore } from '#shared/wiring/clients/dynamo.js';
import { historyRetentionDays, historyStore } from '#shared/wiring/clients/history.js';
import { readSimHistory } from '#shared/workflow/sim-history.js';

/**
 * GET /v1/sims/{iccid}/events: the SIM's history, newest first, a page at a time: Transatel's events, policy
 * decisions and operator actions from the history table, merged with the steps of the SIM's orders.
 */
export const handler = httpHandler(
  { params: iccidParamsSchema, query: simEventsQuerySchema },
  async ({ params, query }) => {
    const from = query.from === undefined ? undefined : new Date(query.from);
    const to = query.to === undefined ? undefined : new Date(query.to);
    if (from !== undefined && to !== undefined && from.getTime() >= to.getTime()) {
      throw HttpError.validation([{ path: 'query.from', message: 'must be before query.to' }]);
    }
    const page = await readSimHistory(
      {
        history: historyStore(),
        orders: orderStore(),
        retentionDays: historyRetentionDays(),
        now: () => new Date(),
      },
      params.iccid,
      { from, to, types: query.type?.split(','), limit: query.limit, cursor: query.cursor },
    );
    return json(200, {
      iccid: params.iccid,
      events: page.entries,
      ...(page.nextCursor === undefined ? {} : { nextCursor: page.nextCursor }),
    });
  },
);
