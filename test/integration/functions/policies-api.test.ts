import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handler } from '#functions/policies-api/handler.js';
import { catalogTableDefinition } from '#shared/store/catalog-table.js';
import { policiesTableDefinition } from '#shared/store/dynamo-policy-store.js';
import { DynamoPlanCatalogStore } from '#shared/store/plan-catalog-store.js';
import { MAX_SCOPE_ICCIDS } from '#shared/store/policy.js';
import { luhnCheckDigit } from '#shared/transatel/identifiers.js';
import { type LocalDynamo, startLocalDynamo } from '#test/integration/store/dynalite-server.js';
import { type ApiEventInput, type ApiResult, invoke } from '#test/support/api-event.js';
import { type CaptureLogs, captureLogs } from '#test/support/log-capture.js';
import { transatelEnv } from './harness.js';

const PLAN = 'IOTC_CAPPED_EU_1GB_1M';
const PLANS = [PLAN, 'IOTC_CAPPED_FR_500MB_1M', 'IOTC_CAPPED_WW_3GB_30D'];
let dynamo: LocalDynamo;
let logs: CaptureLogs;

beforeAll(async () => {
  logs = captureLogs();
  dynamo = await startLocalDynamo();
  await dynamo.createTable(policiesTableDefinition, 'policies-test');
  await dynamo.createTable(catalogTableDefinition, 'catalog-test');
  await new DynamoPlanCatalogStore({ client: dynamo.documentClient, tableName: 'catalog-test' }).write({
    cos: 'COS',
    planIds: PLANS,
    fetchedAt: new Date().toISOString(),
  });
  // Transatel is never called by this function (it has no credentials): its address leads nowhere.
  Object.assign(process.env, transatelEnv('http://127.0.0.1:9'), {
    POLICIES_TABLE_NAME: 'policies-test',
    CATALOG_TABLE_NAME: 'catalog-test',
    AWS_ENDPOINT_URL: dynamo.endpoint,
  });
});

afterAll(async () => {
  logs.restore();
  await dynamo?.close();
});

type Problem = { type: string; title: string; status: number; detail: string; errors?: { path: string }[] };

const call = (input: ApiEventInput) => invoke(handler, input);
const putPolicy = (policyId: string, body: unknown, headers?: Record<string, string>) =>
  call({
    routeKey: 'PUT /v1/policies/{policyId}',
    pathParameters: { policyId },
    body,
    ...(headers ? { headers } : {}),
  });
const getPolicy = (policyId: string) =>
  call({ routeKey: 'GET /v1/policies/{policyId}', pathParameters: { policyId } });
const deletePolicy = (policyId: string) =>
  call({ routeKey: 'DELETE /v1/policies/{policyId}', pathParameters: { policyId } });
const listPolicies = (query?: Record<string, string>) =>
  call({ routeKey: 'GET /v1/policies', ...(query ? { queryStringParameters: query } : {}) });

const firstPolicy = {
  scope: { group: 'G' },
  trigger: { on: 'exhausted' },
  action: { planId: PLAN },
  limits: { maxPerSimPerMonth: 2 },
};

function iccid(index: number): string {
  const payload = `898824700${String(index).padStart(10, '0')}`;
  return payload + luhnCheckDigit(payload);
}

/** The error paths of a problem answer, after checking it is one. */
function errorPaths(response: ApiResult): string[] {
  expect(response.headers['content-type']).toBe('application/problem+json');
  return ((response.body as unknown as Problem).errors ?? []).map((error) => error.path);
}

let idSequence = 0;
const freshId = (prefix: string) => `${prefix}-${++idSequence}`;

describe('PUT /v1/policies/{policyId}', () => {
  it('creates a policy (201), then replaces it (200) keeping createdAt; enabled defaults to true', async () => {
    const id = freshId('first');
    const created = await putPolicy(id, firstPolicy);
    expect(created.statusCode).toBe(201);
    expect(created.headers['content-type']).toBe('application/json');
    expect(created.body).toEqual({
      ...firstPolicy,
      enabled: true,
      policyId: id,
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      updatedAt: created.body.createdAt,
    });

    const replacement = {
      scope: { iccids: [iccid(1), iccid(2)] },
      trigger: { on: 'threshold', percent: 80 },
      action: { planId: 'IOTC_CAPPED_FR_500MB_1M' },
      limits: { maxPerSimPerMonth: 1, monthlyBudget: { amountMinor: 2_000, currency: 'EUR' } },
      enabled: false,
    };
    const replaced = await putPolicy(id, replacement);
    expect(replaced.statusCode).toBe(200);
    expect(replaced.body).toEqual({
      ...replacement,
      policyId: id,
      createdAt: created.body.createdAt,
      updatedAt: expect.any(String),
    });
    expect((replaced.body.updatedAt as string) >= (created.body.updatedAt as string)).toBe(true);
    expect((await getPolicy(id)).body).toEqual(replaced.body);
  });

  it('answers 400 naming params.policyId for an id that is not 1 to 64 letters, digits, _ or -', async () => {
    for (const id of ['has space', 'a/b', 'é', 'x'.repeat(65), '']) {
      const response = await putPolicy(id, firstPolicy);
      expect(response.statusCode, id).toBe(400);
      expect(errorPaths(response), id).toEqual(['params.policyId']);
    }
  });

  it('answers 400 naming each invalid field, all at once', async () => {
    const cases: [unknown, string[]][] = [
      [{ ...firstPolicy, trigger: { on: 'threshold', percent: 20 } }, ['body.trigger.percent']],
      [{ ...firstPolicy, trigger: { on: 'threshold' } }, ['body.trigger.percent']],
      [{ ...firstPolicy, trigger: { on: 'sometimes' } }, ['body.trigger.on']],
      [{ ...firstPolicy, scope: { group: 'G', all: true } }, ['body.scope']],
      [{ ...firstPolicy, scope: { all: false } }, ['body.scope']],
      [{ ...firstPolicy, scope: { group: '' } }, ['body.scope.group']],
      [{ ...firstPolicy, scope: { iccids: [] } }, ['body.scope.iccids']],
      [{ ...firstPolicy, scope: { iccids: [iccid(1), '8988247000000000002'] } }, ['body.scope.iccids[1]']],
      [{ ...firstPolicy, limits: { maxPerSimPerMonth: 0 } }, ['body.limits.maxPerSimPerMonth']],
      [{ ...firstPolicy, limits: { maxPerSimPerMonth: 2.5 } }, ['body.limits.maxPerSimPerMonth']],
      [
        {
          ...firstPolicy,
          limits: { maxPerSimPerMonth: 2, monthlyBudget: { amountMinor: -1, currency: 'eur' } },
        },
        ['body.limits.monthlyBudget.amountMinor', 'body.limits.monthlyBudget.currency'],
      ],
      [{ ...firstPolicy, action: { planId: '' } }, ['body.action.planId']],
      [{ ...firstPolicy, enabled: 'yes' }, ['body.enabled']],
      [{ ...firstPolicy, policyId: 'p' }, ['body.policyId']],
      [{}, ['body.scope', 'body.trigger', 'body.action', 'body.limits']],
      [[], ['body']],
    ];
    for (const [body, paths] of cases) {
      const response = await putPolicy(freshId('invalid'), body);
      expect(response.statusCode, JSON.stringify(body)).toBe(400);
      expect(errorPaths(response).sort(), JSON.stringify(body)).toEqual([...paths].sort());
    }
    const both = await putPolicy('not valid', { ...firstPolicy, limits: {} });
    expect(errorPaths(both).sort()).toEqual(['body.limits.maxPerSimPerMonth', 'params.policyId']);
  });

  it('answers 400 to a body that is missing, not JSON or not sent as JSON', async () => {
    expect(errorPaths(await putPolicy(freshId('nobody'), undefined))).toEqual(['body']);
    expect(errorPaths(await putPolicy(freshId('garbled'), '{"scope":'))).toEqual(['body']);
    const text = await putPolicy(freshId('text'), JSON.stringify(firstPolicy), {
      'content-type': 'text/plain',
    });
    expect(text.statusCode).toBe(400);
    expect(errorPaths(text)).toEqual(['headers.content-type']);
  });

  it('refuses a plan the catalogue copy does not list (400 naming body.action.planId), storing nothing', async () => {
    const id = freshId('unknown-plan');
    const response = await putPolicy(id, { ...firstPolicy, action: { planId: 'NO_SUCH_PLAN' } });
    expect(response.statusCode).toBe(400);
    expect(response.body).toMatchObject({
      type: 'urn:problem:validation',
      errors: [{ path: 'body.action.planId', message: "unknown plan 'NO_SUCH_PLAN': see GET /v1/plans" }],
    });
    expect((await getPolicy(id)).statusCode).toBe(404);
  });

  it('takes the largest scope, 10,000 ICCIDs pretty-printed (over the usual 256 KiB); 413 over 1 MiB', async () => {
    const id = freshId('largest');
    const body = {
      ...firstPolicy,
      scope: { iccids: Array.from({ length: MAX_SCOPE_ICCIDS }, (_, i) => iccid(i)) },
    };
    const pretty = JSON.stringify(body, null, 4);
    expect(Buffer.byteLength(pretty)).toBeGreaterThan(256 * 1024);
    const response = await putPolicy(id, pretty);
    expect(response.statusCode).toBe(201);
    const stored = (await getPolicy(id)).body as { scope: { iccids: string[] } };
    expect(stored.scope.iccids).toHaveLength(MAX_SCOPE_ICCIDS);

    const tooMany = await putPolicy(id, `${pretty}${' '.repeat(1024 * 1024)}`);
    expect(tooMany.statusCode).toBe(413);
  });
});

describe('GET and DELETE /v1/policies/{policyId}, GET /v1/policies', () => {
  it('answers 404 POLICY_NOT_FOUND for a policy there is not', async () => {
    const response = await getPolicy('never-put');
    expect(response.statusCode).toBe(404);
    expect(response.headers['content-type']).toBe('application/problem+json');
    expect(response.body).toMatchObject({
      title: 'POLICY_NOT_FOUND',
      detail: 'Policy never-put does not exist',
    });
    expect(errorPaths(await getPolicy('not valid'))).toEqual(['params.policyId']);
  });

  it('deletes a policy (204, no body), then answers 404 to its GET and DELETE', async () => {
    const id = freshId('deleted');
    await putPolicy(id, firstPolicy);
    const deleted = await deletePolicy(id);
    expect(deleted.statusCode).toBe(204);
    expect(deleted.body).toBeUndefined();
    expect((await getPolicy(id)).statusCode).toBe(404);
    const again = await deletePolicy(id);
    expect(again.statusCode).toBe(404);
    expect(again.body).toMatchObject({ title: 'POLICY_NOT_FOUND' });
    expect(errorPaths(await deletePolicy('a/b'))).toEqual(['params.policyId']);
  });

  it('lists every policy sorted by policyId; a query parameter is a 400 naming it', async () => {
    for (const id of ['zz-list', 'AA-list', 'mm-list']) await putPolicy(id, firstPolicy);
    const response = await listPolicies();
    expect(response.statusCode).toBe(200);
    const ids = (response.body.policies as { policyId: string }[]).map((policy) => policy.policyId);
    expect(ids).toEqual(expect.arrayContaining(['AA-list', 'mm-list', 'zz-list']));
    expect(ids).toEqual([...ids].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    expect(response.body.policies).toContainEqual((await getPolicy('mm-list')).body);

    const filtered = await listPolicies({ group: 'G' });
    expect(filtered.statusCode).toBe(400);
    expect(errorPaths(filtered)).toEqual(['query.group']);
  });
});

/** Bodies that are policies, as a client would send them (enabled sometimes left to its default). */
const validIccid = fc.stringMatching(/^[0-9]{18,19}$/).map((payload) => payload + luhnCheckDigit(payload));
const validDefinition = fc.record(
  {
    scope: fc.oneof(
      fc.record({ group: fc.string({ minLength: 1, maxLength: 50 }) }),
      fc.record({ iccids: fc.array(validIccid, { minLength: 1, maxLength: 20 }) }),
      fc.constant({ all: true as const }),
    ),
    trigger: fc.oneof(
      fc.constant({ on: 'exhausted' as const }),
      fc.record({ on: fc.constant('threshold' as const), percent: fc.integer({ min: 50, max: 99 }) }),
      fc.record({ on: fc.constant('expiring' as const), daysBefore: fc.integer({ min: 1, max: 30 }) }),
    ),
    action: fc.record({ planId: fc.constantFrom(...PLANS) }),
    limits: fc.record(
      {
        maxPerSimPerMonth: fc.integer({ min: 1, max: 100 }),
        monthlyBudget: fc.record({
          amountMinor: fc.nat(),
          currency: fc.stringMatching(/^[A-Z]{3}$/),
        }),
      },
      { requiredKeys: ['maxPerSimPerMonth'] },
    ),
    enabled: fc.boolean(),
  },
  { requiredKeys: ['scope', 'trigger', 'action', 'limits'] },
);
const validPolicyId = fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/);

/** Anything, mostly near a policy: one field (or several) of any shape or just out of bounds, or an extra field. */
const anyField = fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.string(), fc.integer(), fc.constant(null));
const nearNumber = fc.oneof(fc.integer({ min: -5, max: 120 }), fc.double(), fc.integer(), anyField);
const brokenFields = {
  scope: fc.oneof(
    anyField,
    fc.record({ group: fc.oneof(fc.string({ maxLength: 60 }), anyField) }),
    fc.record({
      iccids: fc.array(fc.oneof(validIccid, fc.stringMatching(/^[0-9]{17,21}$/)), { maxLength: 4 }),
    }),
    fc.record({ all: anyField }),
    fc.record({ group: fc.string({ minLength: 1 }), all: fc.constant(true) }),
  ),
  trigger: fc.oneof(
    anyField,
    fc.record({ on: fc.constantFrom('exhausted', 'threshold', 'expiring', 'never'), percent: nearNumber }),
    fc.record({ on: fc.constantFrom('exhausted', 'threshold', 'expiring'), daysBefore: nearNumber }),
  ),
  action: fc.oneof(
    anyField,
    fc.record({ planId: fc.oneof(fc.constantFrom(...PLANS, 'NO_SUCH_PLAN', ''), anyField) }),
  ),
  limits: fc.oneof(
    anyField,
    fc.record(
      {
        maxPerSimPerMonth: nearNumber,
        monthlyBudget: fc.oneof(
          anyField,
          fc.record({ amountMinor: nearNumber, currency: fc.oneof(fc.string({ maxLength: 4 }), anyField) }),
        ),
      },
      { requiredKeys: [] },
    ),
  ),
  enabled: anyField,
  extra: anyField,
};
const oneBrokenField = fc.oneof(
  ...Object.entries(brokenFields).map(([name, value]) => value.map((broken) => ({ [name]: broken }))),
);
const nearDefinition = fc
  .tuple(
    validDefinition,
    fc.oneof(
      { weight: 3, arbitrary: oneBrokenField },
      { weight: 1, arbitrary: fc.record(brokenFields, { requiredKeys: [] }) },
    ),
  )
  .map(([valid, broken]) => ({ ...valid, ...broken }));
const anyBody = fc.oneof(
  { weight: 2, arbitrary: validDefinition.map((body) => JSON.stringify(body)) },
  { weight: 4, arbitrary: nearDefinition.map((body) => JSON.stringify(body)) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((body) => JSON.stringify(body)) },
  { weight: 1, arbitrary: fc.string({ maxLength: 100 }) },
);

/** What GET answers for an accepted body: the body, enabled defaulted, and the stored policy's own fields. */
function expectRoundTrip(policyId: string, sent: Record<string, unknown>, answer: Record<string, unknown>) {
  expect(answer).toEqual({
    ...sent,
    enabled: sent.enabled ?? true,
    policyId,
    createdAt: expect.any(String),
    updatedAt: expect.any(String),
  });
}

describe('policy validation, by property', () => {
  it('never answers 5xx: a bad body or id is a 400 naming fields of the request, and what is accepted round-trips', async () => {
    const statuses = new Set<number>();
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          { weight: 4, arbitrary: validPolicyId },
          { weight: 1, arbitrary: fc.string({ maxLength: 70 }) },
        ),
        anyBody,
        async (policyId, body) => {
          const response = await putPolicy(policyId, body);
          statuses.add(response.statusCode);
          expect(response.statusCode).toBeLessThan(500);
          if (response.statusCode >= 400) {
            expect(response.statusCode).toBe(400);
            const paths = errorPaths(response);
            expect(paths.length).toBeGreaterThan(0);
            for (const path of paths) expect(path).toMatch(/^(params\.policyId|body)(\.|\[|$)/);
            return;
          }
          expect([200, 201]).toContain(response.statusCode);
          const read = await getPolicy(policyId);
          expect(read.body).toEqual(response.body);
          expectRoundTrip(policyId, JSON.parse(body) as Record<string, unknown>, read.body);
        },
      ),
      { numRuns: 300 },
    );
    // The arbitraries reach both answers: accepted and refused.
    expect(statuses.has(400)).toBe(true);
    expect(statuses.has(201) || statuses.has(200)).toBe(true);
  });

  it('accepts every valid policy and answers it back as sent, by GET and in the list', async () => {
    await fc.assert(
      fc.asyncProperty(validPolicyId, validDefinition, async (policyId, definition) => {
        const response = await putPolicy(policyId, definition);
        expect([200, 201]).toContain(response.statusCode);
        expectRoundTrip(policyId, definition, response.body);
        expect((await getPolicy(policyId)).body).toEqual(response.body);
      }),
      { numRuns: 150 },
    );
    const { body } = await listPolicies();
    const policies = body.policies as { policyId: string }[];
    expect(new Set(policies.map((policy) => policy.policyId)).size).toBe(policies.length);
  });
});
