import * as z from 'zod';
import type { SimulatorCore } from '../core.js';
import { requireSim, startTransaction } from '../domain/subscribers.js';
import { json, jsonBody, type RequestContext } from '../http.js';
import { optionsError } from '../options.js';
import { badRequest, ProblemError } from '../problem.js';
import type { RouteDef } from '../router.js';
import type { LifecycleRequest, TransactionType } from '../state.js';
import { parseWith } from '../validation.js';
import type { WriteRoute } from '../variants.js';
import { subscriberView, transactionView } from '../views.js';
import { requiredString } from './common.js';

const BASE = '/connectivity-management/subscribers/api';
const SUBSCRIBER = `${BASE}/subscribers/sim-serial/:simSerial`;

const optionSchema = z.object({ name: requiredString(), value: requiredString() });

const modifySchema = z.object({
  ratePlan: requiredString(50),
  options: z.array(optionSchema).optional(),
  externalReference: z.string().max(255).optional(),
  group: z.string().max(50).optional(),
});

const activateSchema = modifySchema.extend({
  subscriberCountryOfResidence: z
    .string()
    .regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code such as GB')
    .optional(),
});

const lifecycleSchema = z
  .object({
    ratePlan: z.string().min(1).max(50).optional(),
    externalReference: z.string().max(255).optional(),
  })
  .refine((b) => b.ratePlan !== undefined || b.externalReference !== undefined, {
    message: 'ratePlan or externalReference is required',
  });

function checkRatePlan(core: SimulatorCore, ratePlan: string | undefined): void {
  if (ratePlan !== undefined && !core.options.ratePlans.includes(ratePlan)) {
    throw badRequest(`Invalid field 'ratePlan': unknown rate plan '${ratePlan}'`);
  }
}

function parseRequest(core: SimulatorCore, type: TransactionType, ctx: RequestContext): LifecycleRequest {
  const body = jsonBody(ctx);
  let req: LifecycleRequest;
  if (type === 'ACTIVATE') req = parseWith(activateSchema, body, 'body');
  else if (type === 'MODIFY') req = parseWith(modifySchema, body, 'body');
  else req = parseWith(lifecycleSchema, body, 'body');
  checkRatePlan(core, req.ratePlan);
  const optionProblem = req.options ? optionsError(req.options) : undefined;
  if (optionProblem) throw badRequest(optionProblem);
  return req;
}

const LIFECYCLE: [WriteRoute, string, TransactionType][] = [
  ['activate', 'activate', 'ACTIVATE'],
  ['modify', 'modify', 'MODIFY'],
  ['suspend', 'suspend', 'SUSPEND'],
  ['reactivate', 'reactivate', 'REACTIVATE'],
  ['terminate', 'terminate', 'TERMINATE'],
];

export function connectivityRoutes(core: SimulatorCore): RouteDef[] {
  const lifecycle: RouteDef[] = LIFECYCLE.map(([id, verb, type]) => ({
    id,
    method: 'POST',
    pattern: `${SUBSCRIBER}/${verb}`,
    handler: (ctx) => {
      const sim = requireSim(core, ctx.params.simSerial ?? '');
      const txn = startTransaction(core, sim, type, parseRequest(core, type, ctx));
      return core.variant.write(id, {
        status: 201,
        body: { transactionId: txn.transactionId, simSerial: sim.iccid, transactionStatus: 'PENDING' },
      });
    },
  }));
  return [
    {
      id: 'getSubscriber',
      method: 'GET',
      pattern: SUBSCRIBER,
      handler: (ctx) =>
        json(200, core.variant.subscriber(subscriberView(requireSim(core, ctx.params.simSerial ?? '')))),
    },
    ...lifecycle,
    {
      id: 'getTransaction',
      method: 'GET',
      pattern: `${BASE}/transactions/:transactionId`,
      handler: (ctx) => {
        const txn = core.state.transactions.get(ctx.params.transactionId ?? '');
        if (!txn) throw new ProblemError(404, 'TRANSACTION_NOT_FOUND', 'Transaction is unknown');
        return json(200, core.variant.transaction(transactionView(txn)));
      },
    },
  ];
}
