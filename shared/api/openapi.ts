import packageJson from '../../package.json' with { type: 'json' };
import { problemContentType } from '../lambda/problem.js';
import { type HttpMethod, type RouteSpec, routes } from '../topology.js';
import { iccidSchema } from '../transatel/identifiers.js';
import { envelopeSchema } from '../transatel/webhooks/events.js';
import { SIGNATURE_HEADER } from '../transatel/webhooks/signature.js';
import * as z from '../zod.js';
import {
  activationRequestSchema,
  balanceResponseSchema,
  bulkActivationRequestSchema,
  bulkActivationResponseSchema,
  bulkSimSchema,
  esimResponseSchema,
  iccidParamsSchema,
  idempotencyHeadersSchema,
  lifecycleRequestSchema,
  MAX_BULK_SIMS,
  orderAcceptedSchema,
  orderParamsSchema,
  orderSchema,
  planOrderRequestSchema,
  plansQuerySchema,
  plansResponseSchema,
  policiesQuerySchema,
  policiesResponseSchema,
  policyParamsSchema,
  policyRequestSchema,
  policySchema,
  problemSchema,
  resolveRequestSchema,
  simDetailSchema,
  simEventsQuerySchema,
  simEventsResponseSchema,
  simPatchSchema,
  simsQuerySchema,
  simsResponseSchema,
  transactionAcceptedSchema,
  usageQuerySchema,
  usageResponseSchema,
} from './schemas.js';

/**
 * The OpenAPI 3.1 document of the public API, generated from the topology's routes and the zod
 * schemas the handlers validate with: nothing here is a hand-written JSON schema.
 */

export type JsonSchema = { [key: string]: unknown };
type Io = 'input' | 'output';

/** Problem responses, by status; each is a reusable component. */
const problemResponses = {
  400: {
    name: 'BadRequest',
    description: 'Invalid request: `errors` names each field (`params.iccid`, `body.sims[3].iccid`...)',
  },
  401: { name: 'Unauthorized', description: 'The webhook signature is missing or wrong' },
  404: { name: 'NotFound', description: 'Unknown order, SIM, eSIM, product or policy' },
  409: {
    name: 'Conflict',
    description:
      'Conflicting state: an Idempotency-Key reused with another body, a SIM not active yet, a change in progress',
  },
  413: { name: 'PayloadTooLarge', description: 'The body exceeds the route limit' },
  422: {
    name: 'Unprocessable',
    description: "Transatel refused the request as made (Transatel's title and detail)",
  },
  502: { name: 'BadGateway', description: 'Transatel answered unexpectedly or did not confirm a change' },
  503: {
    name: 'Unavailable',
    description: 'Transatel (or a store) is unavailable; retry after `Retry-After` seconds',
  },
} as const;
type ProblemStatus = keyof typeof problemResponses;

const idempotencyConflict = 'Or an Idempotency-Key reused with another body (`urn:problem:conflict`).';

/** Problems that share a status with one above but say more on some routes: components of their own. */
const namedProblemResponses = {
  orderConflict: {
    status: 409,
    name: 'OrderConflict',
    description: `\`SIM_HAS_OPEN_ORDER\` (\`urn:problem:sim-has-open-order\`): the SIM has an order that is neither COMPLETED nor FAILED, named by \`openOrderId\`; a new order for it is accepted once that one is. ${idempotencyConflict}`,
  },
  bulkActivationConflict: {
    status: 409,
    name: 'BulkActivationConflict',
    description: `\`SIM_HAS_OPEN_ORDER\` (\`urn:problem:sim-has-open-order\`): no SIM was accepted, at least one because it has an open order; \`errors\` lists each SIM's issues and \`rejected\` each SIM as the 202 would, a busy one with its \`openOrderId\`. ${idempotencyConflict}`,
  },
} as const;
type NamedProblem = keyof typeof namedProblemResponses;

function problemComponent(problem: ProblemStatus | NamedProblem): { status: number; name: string } {
  return typeof problem === 'number'
    ? { status: problem, name: problemResponses[problem].name }
    : namedProblemResponses[problem];
}

const TRANSATEL_PROBLEMS: ProblemStatus[] = [404, 409, 422, 502, 503];

interface OperationSpec {
  operationId: string;
  summary: string;
  description?: string;
  tag: 'Orders' | 'SIMs' | 'Plans' | 'Policies' | 'Webhooks';
  params?: z.core.$ZodType;
  query?: z.core.$ZodType;
  headers?: z.core.$ZodType;
  body?: { schema: z.core.$ZodType; required: boolean; description?: string };
  success: {
    status: number;
    description: string;
    schema?: z.core.$ZodType;
    headers?: Record<string, string>;
  };
  /** Another success status with the same body (PUT: 201 created, 200 replaced). */
  alsoSuccess?: { status: number; description: string };
  problems: (ProblemStatus | NamedProblem)[];
}

/**
 * The bulk body is validated loosely as a whole and strictly per SIM (a bad SIM is rejected alone), so
 * the document shows what each item must be.
 */
const bulkActivationDocSchema = z
  .strictObject({
    ...bulkActivationRequestSchema.shape,
    sims: z
      .array(
        bulkSimSchema.check(
          z.meta({
            id: 'BulkSim',
            description:
              'One SIM, merged over `defaults`. An invalid item is listed in `rejected`; the others go ahead.',
          }),
        ),
      )
      .check(z.minLength(1), z.maxLength(MAX_BULK_SIMS)),
  })
  .check(z.meta({ id: 'BulkActivationRequest' }));

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

/** One entry per topology route, keyed `METHOD path`; the test checks both sides match. */
export const operations: Readonly<Record<string, OperationSpec>> = {
  'POST /v1/sims/{iccid}/activation': {
    operationId: 'activateSim',
    summary: 'Activate a SIM, then subscribe a plan',
    description:
      'Records the order and queues it; the workflow activates an Available SIM (or goes straight to the plan for a Pre-activated or Active one), then orders the plan. Follow it with GET /v1/orders/{orderId}. An unknown planId is a 400. A SIM has one open order at a time: while it has one that is neither COMPLETED nor FAILED, this is a 409 `SIM_HAS_OPEN_ORDER` naming it in `openOrderId` (the same Idempotency-Key and body still get their own order).',
    tag: 'Orders',
    params: iccidParamsSchema,
    headers: idempotencyHeadersSchema,
    body: { schema: activationRequestSchema, required: true },
    success: { status: 202, description: 'Order accepted', schema: orderAcceptedSchema },
    problems: [400, 'orderConflict', 413, 503],
  },
  'POST /v1/activations': {
    operationId: 'activateSims',
    summary: `Activate up to ${MAX_BULK_SIMS} SIMs in one call`,
    description:
      'Each SIM is checked on its own: an invalid SIM, or one with an order that is neither COMPLETED nor FAILED (`openOrderId`), is listed in `rejected` and the others go ahead. When none goes ahead: 400 if all are invalid, else 409 `SIM_HAS_OPEN_ORDER`.',
    tag: 'Orders',
    headers: idempotencyHeadersSchema,
    body: { schema: bulkActivationDocSchema, required: true },
    success: {
      status: 202,
      description: 'Orders accepted for the valid SIMs; the others listed in `rejected`',
      schema: bulkActivationResponseSchema,
    },
    problems: [400, 'bulkActivationConflict', 413, 503],
  },
  'GET /v1/orders/{orderId}': {
    operationId: 'getOrder',
    summary: 'An order: status, timeline, Transatel ids, failure reason',
    tag: 'Orders',
    params: orderParamsSchema,
    success: { status: 200, description: 'The order', schema: orderSchema },
    problems: [400, 404],
  },
  'POST /v1/orders/{orderId}/resolve': {
    operationId: 'resolveOrder',
    summary: 'Settle an order held for review (NEEDS_REVIEW)',
    description:
      "An order stops in NEEDS_REVIEW when its plan may have been bought and Transatel cannot prove either way (its `failure` holds the evidence). After checking the SIM's plans (GET /v1/sims/{iccid}/balance): `subscribed` completes it, `retry` orders the plan again, `abandon` fails it. Recorded in the timeline with the caller's IAM principal. 409 when the order is not in review.",
    tag: 'Orders',
    params: orderParamsSchema,
    body: { schema: resolveRequestSchema, required: true },
    success: { status: 200, description: 'The order, resolved', schema: orderSchema },
    problems: [400, 404, 409, 413],
  },
  'POST /v1/sims/{iccid}/plans': {
    operationId: 'orderPlan',
    summary: 'Order a plan (top-up) for an Active or Pre-activated SIM',
    description:
      'While the SIM has an order that is neither COMPLETED nor FAILED (its activation, or another plan), this is a 409 `SIM_HAS_OPEN_ORDER` naming it in `openOrderId`; the same Idempotency-Key and body still get their own order.',
    tag: 'Orders',
    params: iccidParamsSchema,
    headers: idempotencyHeadersSchema,
    body: { schema: planOrderRequestSchema, required: true },
    success: { status: 202, description: 'Order accepted', schema: orderAcceptedSchema },
    problems: [400, 'orderConflict', 413, 503],
  },
  'GET /v1/sims/{iccid}/balance': {
    operationId: 'getSimBalance',
    summary: "A SIM's plans with their data balances",
    description: 'Bytes; -1 when unlimited. A SIM without an MSISDN yet is a 409.',
    tag: 'SIMs',
    params: iccidParamsSchema,
    success: { status: 200, description: 'The balances', schema: balanceResponseSchema },
    problems: [400, ...TRANSATEL_PROBLEMS],
  },
  'GET /v1/policies': {
    operationId: 'listPolicies',
    summary: 'Every top-up policy, by policyId',
    tag: 'Policies',
    query: policiesQuerySchema,
    success: { status: 200, description: 'The policies', schema: policiesResponseSchema },
    problems: [400],
  },
  'GET /v1/policies/{policyId}': {
    operationId: 'getPolicy',
    summary: 'One top-up policy',
    description: '404 `POLICY_NOT_FOUND` when there is none of that id.',
    tag: 'Policies',
    params: policyParamsSchema,
    success: { status: 200, description: 'The policy', schema: policySchema },
    problems: [400, 404],
  },
  'PUT /v1/policies/{policyId}': {
    operationId: 'putPolicy',
    summary: 'Create or replace a top-up policy',
    description:
      'When its trigger fires for a SIM in its scope, the policy engine orders its plan for that SIM, within its limits. The whole policy is replaced; `createdAt` is kept. An unknown `action.planId` is a 400, checked against the copy of the catalogue (as the ordering routes check plans).',
    tag: 'Policies',
    params: policyParamsSchema,
    body: { schema: policyRequestSchema, required: true },
    success: { status: 201, description: 'Created', schema: policySchema },
    alsoSuccess: { status: 200, description: 'Replaced' },
    problems: [400, 413],
  },
  'DELETE /v1/policies/{policyId}': {
    operationId: 'deletePolicy',
    summary: 'Delete a top-up policy',
    description: 'The engine stops acting on it. 404 `POLICY_NOT_FOUND` when there was none.',
    tag: 'Policies',
    params: policyParamsSchema,
    success: { status: 204, description: 'Deleted' },
    problems: [400, 404],
  },
  'GET /v1/plans': {
    operationId: 'listPlans',
    summary: 'The capped plans on offer, optionally those covering a country',
    tag: 'Plans',
    query: plansQuerySchema,
    success: { status: 200, description: 'The plans', schema: plansResponseSchema },
    problems: [400, 502, 503],
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
  'POST /v1/webhooks/transatel': {
    operationId: 'receiveTransatelWebhook',
    summary: "Transatel's webhook: a signed event",
    description: `Verified with \`X-TSL-Signature-256\` (HMAC-SHA256 of the raw body) before anything is parsed; a correctly signed event of any type is queued, then acknowledged.`,
    tag: 'Webhooks',
    headers: z.object({
      [SIGNATURE_HEADER]: z
        .string()
        .check(z.meta({ description: 'HMAC-SHA256 of the raw body with the shared secret' })),
    }),
    body: { schema: envelopeSchema.check(z.meta({ id: 'TransatelEvent' })), required: true },
    success: { status: 204, description: 'Event accepted' },
    problems: [400, 401, 413, 503],
  },
};

export function routeKey(route: Pick<RouteSpec, 'method' | 'path'>): string {
  return `${route.method} ${route.path}`;
}

const REF_PREFIX = 'zod-ref:';

/**
 * Converts zod schemas with `z.toJSONSchema` and gathers every schema with a `.meta({ id })` into
 * components. Refs are placeholders until `components()` knows whether an id's request (input) and
 * response (output) forms differ: if they do, the request form is named `<id>Input`.
 */
class SchemaCollector {
  readonly #defs = new Map<string, Partial<Record<Io, JsonSchema>>>();

  convert(schema: z.core.$ZodType, io: Io): JsonSchema {
    const converted = z.toJSONSchema(schema, {
      target: 'draft-2020-12',
      io,
      unrepresentable: 'throw',
      override: (ctx) => {
        // The ICCID check is a refinement (Luhn), which JSON Schema cannot carry: show its shape at least.
        if (isMetadataCopyOf(ctx.zodSchema, iccidSchema)) ctx.jsonSchema.pattern = '^[0-9]{19,20}$';
      },
    }) as JsonSchema;
    const { $schema: _dialect, $defs, ...root } = converted;
    for (const [id, def] of Object.entries(($defs ?? {}) as Record<string, JsonSchema>)) {
      const forms = this.#defs.get(id) ?? {};
      const rewritten = rewriteRefs(def, io) as JsonSchema;
      const known = forms[io];
      if (known && JSON.stringify(known) !== JSON.stringify(rewritten)) {
        throw new Error(`Two different zod schemas carry the id '${id}'`);
      }
      forms[io] = rewritten;
      this.#defs.set(id, forms);
    }
    return rewriteRefs(root, io) as JsonSchema;
  }

  /** Component names by placeholder, and the components themselves. */
  finish(): { names: Map<string, string>; schemas: Record<string, JsonSchema> } {
    const names = new Map<string, string>();
    const schemas: Record<string, JsonSchema> = {};
    for (const [id, forms] of [...this.#defs].sort(([a], [b]) => a.localeCompare(b))) {
      const { input, output } = forms;
      const same = input && output && JSON.stringify(input) === JSON.stringify(output);
      if (output) {
        names.set(placeholder(id, 'output'), id);
        schemas[id] = output;
      }
      if (input) {
        const name = output && !same ? `${id}Input` : id;
        names.set(placeholder(id, 'input'), name);
        schemas[name] = input;
      }
    }
    return { names, schemas };
  }
}

const metadataChecks: ReadonlySet<string> = new Set(['meta', 'describe']);

/**
 * Whether `schema` is `target` itself or a copy of it that only adds metadata: `.check(z.meta(...))`
 * makes a child schema with a new def (classic `.meta()` kept the def), so follow the parent chain
 * as long as each step adds nothing but metadata checks.
 */
function isMetadataCopyOf(schema: z.core.$ZodType, target: z.core.$ZodType): boolean {
  let current: z.core.$ZodType | undefined = schema;
  while (current) {
    if (current._zod.def === target._zod.def) return true;
    const parent: z.core.$ZodType | undefined = current._zod.parent;
    if (!parent || parent._zod.def.type !== current._zod.def.type) return false;
    const own = current._zod.def.checks ?? [];
    const inherited = parent._zod.def.checks ?? [];
    const onlyAddsMetadata =
      own.length >= inherited.length &&
      inherited.every((check, index) => own[index] === check) &&
      own.slice(inherited.length).every((check) => metadataChecks.has(check._zod.def.check));
    if (!onlyAddsMetadata) return false;
    current = parent;
  }
  return false;
}

function placeholder(id: string, io: Io): string {
  return `${REF_PREFIX}${io}:${id}`;
}

function rewriteRefs(value: unknown, io: Io): unknown {
  if (Array.isArray(value)) return value.map((item) => rewriteRefs(item, io));
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) => {
      if (key === '$ref' && typeof inner === 'string' && inner.startsWith('#/$defs/')) {
        return [key, placeholder(decodeURIComponent(inner.slice('#/$defs/'.length)), io)];
      }
      return [key, rewriteRefs(inner, io)];
    }),
  );
}

function resolvePlaceholders(value: unknown, names: Map<string, string>): unknown {
  if (Array.isArray(value)) return value.map((item) => resolvePlaceholders(item, names));
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) => {
      if (key === '$ref' && typeof inner === 'string' && inner.startsWith(REF_PREFIX)) {
        const name = names.get(inner);
        if (!name) throw new Error(`No component for ${inner}`);
        return [key, `#/components/schemas/${name}`];
      }
      return [key, resolvePlaceholders(inner, names)];
    }),
  );
}

/** Header schemas use lowercase names (as handlers see them); the document shows the usual spelling. */
const headerSpelling: Readonly<Record<string, string>> = {
  'idempotency-key': 'Idempotency-Key',
  [SIGNATURE_HEADER]: 'X-TSL-Signature-256',
};

function headerName(name: string): string {
  return headerSpelling[name] ?? name;
}

function parametersOf(
  collector: SchemaCollector,
  schema: z.core.$ZodType | undefined,
  location: 'path' | 'query' | 'header',
): JsonSchema[] {
  if (!schema) return [];
  const converted = collector.convert(schema, 'input');
  const properties = (converted.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((converted.required ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) => {
    const { description, ...propertySchema } = property;
    return {
      name: location === 'header' ? headerName(name) : name,
      in: location,
      required: location === 'path' || required.has(name),
      ...(typeof description === 'string' ? { description } : {}),
      schema: propertySchema,
    };
  });
}

function pathParameterNames(path: string): string[] {
  return [...path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1] as string);
}

function operationObject(collector: SchemaCollector, route: RouteSpec, spec: OperationSpec): JsonSchema {
  const parameters = [
    ...parametersOf(collector, spec.params, 'path'),
    ...parametersOf(collector, spec.query, 'query'),
    ...parametersOf(collector, spec.headers, 'header'),
  ];
  const declared = parameters
    .filter((parameter) => parameter.in === 'path')
    .map((parameter) => parameter.name);
  const expected = pathParameterNames(route.path);
  if (declared.join() !== expected.join()) {
    throw new Error(
      `${routeKey(route)}: path parameters ${expected.join()} but schema gives ${declared.join()}`,
    );
  }

  const { success } = spec;
  const successBody = () =>
    success.schema
      ? { content: { 'application/json': { schema: collector.convert(success.schema, 'output') } } }
      : {};
  const responses: Record<string, unknown> = {
    [String(success.status)]: {
      description: success.description,
      ...(success.headers
        ? {
            headers: Object.fromEntries(
              Object.entries(success.headers).map(([name, value]) => [
                name,
                { schema: { type: 'string', const: value } },
              ]),
            ),
          }
        : {}),
      ...successBody(),
    },
    ...(spec.alsoSuccess
      ? { [String(spec.alsoSuccess.status)]: { description: spec.alsoSuccess.description, ...successBody() } }
      : {}),
  };
  for (const problem of spec.problems) {
    const { status, name } = problemComponent(problem);
    responses[String(status)] = { $ref: `#/components/responses/${name}` };
  }
  if (route.auth === 'iam') responses['403'] = { $ref: '#/components/responses/Forbidden' };
  responses.default = { $ref: '#/components/responses/InternalError' };

  return {
    operationId: spec.operationId,
    summary: spec.summary,
    ...(spec.description ? { description: spec.description } : {}),
    tags: [spec.tag],
    'x-function': route.function,
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(spec.body
      ? {
          requestBody: {
            required: spec.body.required,
            content: { 'application/json': { schema: collector.convert(spec.body.schema, 'input') } },
          },
        }
      : {}),
    responses,
    security: route.auth === 'iam' ? [{ sigv4: [] }] : [],
  };
}

function problemResponse(description: string, headers?: Record<string, unknown>): JsonSchema {
  return {
    description,
    ...(headers ? { headers } : {}),
    content: { [problemContentType]: { schema: { $ref: placeholder('Problem', 'output') } } },
  };
}

export interface OpenApiOptions {
  /** The API's base URL (a stage's invoke URL, or the local gateway); default the local one. */
  serverUrl?: string;
}

export const LOCAL_SERVER_URL = 'http://127.0.0.1:3000';

export function buildOpenApiDocument(options: OpenApiOptions = {}): JsonSchema {
  const collector = new SchemaCollector();
  collector.convert(problemSchema, 'output');

  const paths: Record<string, Partial<Record<Lowercase<HttpMethod>, JsonSchema>>> = {};
  for (const route of routes) {
    const spec = operations[routeKey(route)];
    if (!spec) throw new Error(`No OpenAPI operation for the topology route ${routeKey(route)}`);
    const item = paths[route.path] ?? {};
    item[route.method.toLowerCase() as Lowercase<HttpMethod>] = operationObject(collector, route, spec);
    paths[route.path] = item;
  }
  const unrouted = Object.keys(operations).filter((key) => !routes.some((route) => routeKey(route) === key));
  if (unrouted.length > 0)
    throw new Error(`OpenAPI operations without a topology route: ${unrouted.join(', ')}`);

  const responses: Record<string, JsonSchema> = {
    Forbidden: {
      description:
        'API Gateway refused the request: missing or invalid SigV4 signature, or no IAM permission (`{ "message": ... }`, not a problem)',
    },
    InternalError: problemResponse('Unexpected error (opaque problem)'),
  };
  for (const [status, { name, description }] of Object.entries(problemResponses)) {
    responses[name] = problemResponse(
      description,
      status === '503'
        ? { 'Retry-After': { description: 'Seconds to wait before retrying', schema: { type: 'integer' } } }
        : undefined,
    );
  }

  for (const { name, description } of Object.values(namedProblemResponses)) {
    responses[name] = problemResponse(description);
  }

  const { names, schemas } = collector.finish();
  const document = {
    openapi: '3.1.0',
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    info: {
      title: 'IoT Connect Capped Plans API',
      version: packageJson.version,
      description:
        'Activates IoT SIMs on Transatel and subscribes capped data plans; balances, plans, eSIM QR codes, usage, SIM lifecycle and top-up policies. Errors are RFC 7807 `application/problem+json`. Generated from the zod schemas the handlers validate with (`npm run openapi`).',
    },
    servers: [{ url: options.serverUrl ?? LOCAL_SERVER_URL }],
    tags: [
      { name: 'Orders', description: 'Activation and plan orders, and their progress' },
      { name: 'SIMs', description: 'SIM search, details, balances, usage, eSIM, lifecycle' },
      { name: 'Plans', description: 'The catalogue of capped plans' },
      {
        name: 'Policies',
        description: 'Top-up policies: which SIMs get which plan, when, within what limits',
      },
      { name: 'Webhooks', description: "Transatel's events" },
    ],
    security: [{ sigv4: [] }],
    paths,
    components: {
      schemas,
      responses,
      securitySchemes: {
        sigv4: {
          type: 'apiKey',
          name: 'Authorization',
          in: 'header',
          description:
            'AWS Signature Version 4 (service `execute-api`) with IAM credentials allowed to invoke the API. Not required locally.',
          'x-amazon-apigateway-authtype': 'awsSigv4',
        },
      },
    },
  };
  return resolvePlaceholders(document, names) as JsonSchema;
}
