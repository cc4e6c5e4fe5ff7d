import {
  balanceResponseSchema,
  esimResponseSchema,
  iccidParamsSchema,
  lifecycleRequestSchema,
  simDetailSchema,
  simEventsQuerySchema,
  simEventsResponseSchema,
  simPatchSchema,
  simsQuerySchema,
  simsResponseSchema,
  transactionAcceptedSchema,
  usageQuerySchema,
  usageResponseSchema,
} from '../schemas.js';
import { TRANSATEL_PROBLEMS } from './problems.js';
import type { OperationSpec } from './spec.js';

/** The SIMs routes of the OpenAPI document: search, details, balances, usage, eSIM, lifecycle, history. */

const lifecycle = (action: 'suspend' | 'reactivate' | 'terminate', summary: string): OperationSpec => ({
  operationId: `${action}Sim`,
  summary,
  description: "Asynchronous at Transatel: follow the transaction, or the SIM's status.",
  tag: 'SIMs',
  params: iccidParamsSchema,
  body: { schema: lifecycleRequestSchema, required: false },
  success: { status: 202, description: 'Accepted by Transatel', schema: transactionAcceptedSchema },
  problems: [400, 413, ...TRANSATEL_PROBLEMS],
});

export const simOperations: Readonly<Record<string, OperationSpec>> = {
  'GET /v1/sims/{iccid}/balance': {
    operationId: 'getSimBalance',
    summary: "A SIM's plans with their data balances",
    description: 'Bytes; -1 when unlimited. A SIM without an MSISDN yet is a 409.',
    tag: 'SIMs',
    params: iccidParamsSchema,
    success: { status: 200, description: 'The balances', schema: balanceResponseSchema },
    problems: [400, ...TRANSATEL_PROBLEMS],
  },
  'GET /v1/sims': {
    operationId: 'listSims',
    summary: 'Search SIMs by status, group or reference, a page at a time',
    tag: 'SIMs',
    query: simsQuerySchema,
    success: { status: 200, description: 'A page of SIMs', schema: simsResponseSchema },
    problems: [400, 422, 502, 503],
  },
  'GET /v1/sims/{iccid}': {
    operationId: 'getSim',
    summary: 'One SIM',
    tag: 'SIMs',
    params: iccidParamsSchema,
    success: { status: 200, description: 'The SIM', schema: simDetailSchema },
    problems: [400, ...TRANSATEL_PROBLEMS],
  },
  'PATCH /v1/sims/{iccid}': {
    operationId: 'modifySim',
    summary: "Change a SIM's options, reference or group",
    tag: 'SIMs',
    params: iccidParamsSchema,
    body: { schema: simPatchSchema, required: true },
    success: { status: 202, description: 'Accepted by Transatel', schema: transactionAcceptedSchema },
    problems: [400, 413, ...TRANSATEL_PROBLEMS],
  },
  'POST /v1/sims/{iccid}/suspend': lifecycle('suspend', 'Suspend a SIM'),
  'POST /v1/sims/{iccid}/reactivate': lifecycle('reactivate', 'Reactivate a suspended SIM'),
  'POST /v1/sims/{iccid}/terminate': lifecycle('terminate', 'Terminate a SIM (irreversible)'),
  'GET /v1/sims/{iccid}/esim': {
    operationId: 'getEsim',
    summary: 'eSIM profile: status, activation code, LPA string and QR code',
    description:
      "These are the end user's credentials: answered with `Cache-Control: no-store`. 404 for a physical SIM.",
    tag: 'SIMs',
    params: iccidParamsSchema,
    success: {
      status: 200,
      description: 'The eSIM profile',
      schema: esimResponseSchema,
      headers: { 'Cache-Control': 'no-store' },
    },
    problems: [400, ...TRANSATEL_PROBLEMS],
  },
  'GET /v1/sims/{iccid}/usage': {
    operationId: 'getSimUsage',
    summary: 'Data usage over a period (default: the last 30 days), in total and by country',
    tag: 'SIMs',
    params: iccidParamsSchema,
    query: usageQuerySchema,
    success: { status: 200, description: 'The usage', schema: usageResponseSchema },
    problems: [400, ...TRANSATEL_PROBLEMS],
  },
  'GET /v1/sims/{iccid}/events': {
    operationId: 'getSimEvents',
    summary: "A SIM's history: Transatel events, order steps, policy decisions, operator actions",
    description:
      "Newest first (ties by id), a page of `limit` at a time (default 50, at most 200): pass `nextCursor` back as `cursor` for the next one; the last page has none. `from` is inclusive, `to` exclusive; `type` keeps only the types named. Operator actions are every call that changes a SIM, refused ones included, with the caller's IAM principal (`actor`), the route and its `outcome`. Entries are kept for the stage's retention (400 days by default), and order steps older than it are not shown.",
    tag: 'SIMs',
    params: iccidParamsSchema,
    query: simEventsQuerySchema,
    success: { status: 200, description: "A page of the SIM's history", schema: simEventsResponseSchema },
    problems: [400],
  },
};
