import { iccidParamsSchema } from '#shared/api/requests/iccid.js';
import { lifecycleRequestSchema, simPatchSchema, simsQuerySchema } from '#shared/api/requests/sims.js';
import type { HttpAudit } from '#shared/lambda/audit.js';
import { bounded, compact, simOfPath, stringField } from '#shared/lambda/audit-subjects.js';
import { httpHandler, json } from '#shared/lambda/http.js';
import { routeHandlers } from '#shared/lambda/http-router.js';
import { callTransatel } from '#shared/lambda/transatel-errors.js';
import { ConnectivityApi, type Subscriber, type Transaction } from '#shared/transatel/connectivity.js';
import { type SimRecord, SimSearchApi } from '#shared/transatel/sim-search.js';
import { transatelApi } from '#shared/wiring/clients/transatel.js';
import * as z from '#shared/zod.js';

const connectivity = transatelApi(ConnectivityApi);
const simSearch = transatelApi(SimSearchApi);

function toSimSummary(sim: SimRecord) {
  return {
    iccid: sim.iccid,
    msisdn: sim.msisdn,
    status: sim.status,
    simType: sim.simType,
    ratePlan: sim.ratePlan,
    group: sim.group,
    reference: sim.reference,
    activationDate: sim.activationDate,
  };
}

function toSimDetail(subscriber: Subscriber) {
  return {
    iccid: subscriber.iccid,
    msisdn: subscriber.msisdn,
    imsi: subscriber.imsi,
    status: subscriber.status,
    simType: subscriber.simType,
    ratePlan: subscriber.ratePlan,
    options: subscriber.options,
    group: subscriber.group,
    reference: subscriber.reference,
    activationDate: subscriber.activationDate,
  };
}

/** Transatel applies changes asynchronously: 202 with the transaction to follow. */
function accepted(iccid: string, transaction: Transaction) {
  return json(202, { iccid, transactionId: transaction.transactionId, status: transaction.state });
}

const searchSims = httpHandler({ query: simsQuerySchema }, async ({ query }) => {
  const { page, pageSize, ...filters } = query;
  const result = await callTransatel(() => simSearch().search(filters, { page, size: pageSize }));
  return json(200, {
    sims: result.sims.map(toSimSummary),
    page: result.page,
    pageSize: result.size,
    total: result.totalElements,
  });
});

const getSim = httpHandler({ params: iccidParamsSchema }, async ({ params }) => {
  const subscriber = await callTransatel(() => connectivity().getSubscriber(params.iccid));
  return json(200, toSimDetail(subscriber));
});

/**
 * The SIMs' history, imported on the first change: the DynamoDB client it brings stays out of the cold start of
 * the read routes, which never write it (esbuild inlines the module, evaluated when first imported).
 */
const historyStore = async () => (await import('#shared/wiring/clients/history.js')).historyStore();

const changeFields = ['options', 'reference', 'group', 'ratePlan'] as const;

/** A change of the SIM, in its history: what was asked to change, and Transatel's transaction. */
const auditChange: HttpAudit = {
  history: historyStore,
  subjects: (call) => {
    const request = (call.request ?? {}) as Record<string, unknown>;
    const asked = changeFields.filter((name) => request[name] !== undefined);
    return simOfPath(call, asked.length === 0 ? 'change' : `change of ${asked.join(', ')}`, {
      details: compact({
        changes: bounded(compact(Object.fromEntries(asked.map((name) => [name, request[name]])))),
        transactionId: stringField(call.answer, 'transactionId'),
      }),
    });
  },
};

const modifySim = httpHandler(
  { params: iccidParamsSchema, body: simPatchSchema, audit: auditChange },
  async ({ params, body }) => {
    const transaction = await callTransatel(() => connectivity().modify(params.iccid, body));
    return accepted(params.iccid, transaction);
  },
);

type LifecycleAction = 'suspend' | 'reactivate' | 'terminate';

/** The body is optional: an empty POST is the usual way to ask for a lifecycle change. */
function lifecycleHandler(action: LifecycleAction) {
  return httpHandler(
    {
      params: iccidParamsSchema,
      body: z.optional(lifecycleRequestSchema),
      audit: {
        history: historyStore,
        subjects: (call) =>
          simOfPath(call, action, {
            details: compact({
              transactionId: stringField(call.answer, 'transactionId'),
              reference: stringField(call.request, 'reference'),
            }),
          }),
      },
    },
    async ({ params, body }) => {
      const transaction = await callTransatel(() => connectivity()[action](params.iccid, body ?? {}));
      return accepted(params.iccid, transaction);
    },
  );
}

/** GET /v1/sims, GET|PATCH /v1/sims/{iccid}, POST /v1/sims/{iccid}/suspend|reactivate|terminate. */
export const handler = routeHandlers({
  'GET /v1/sims': searchSims,
  'GET /v1/sims/{iccid}': getSim,
  'PATCH /v1/sims/{iccid}': modifySim,
  'POST /v1/sims/{iccid}/suspend': lifecycleHandler('suspend'),
  'POST /v1/sims/{iccid}/reactivate': lifecycleHandler('reactivate'),
  'POST /v1/sims/{iccid}/terminate': lifecycleHandler('terminate'),
});
