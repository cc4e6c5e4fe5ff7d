import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { handler } from '#functions/sims-api/handler.js';
import { iccidFor, imsiFor, msisdnFor, type RunningSimulator } from '#local/simulator/index.js';
import { routes } from '#shared/topology.js';
import { type ApiEventInput, type ApiResult, invoke } from '#test/support/api-event.js';
import { type CaptureLogs, captureLogs } from '#test/support/log-capture.js';
import {
  routeCalls,
  settled,
  simAdmin,
  startSimulatorForFunctions,
  transatelCalls,
  withWrongCheckDigit,
} from './harness.js';

let sim: RunningSimulator;
let logs: CaptureLogs;

beforeAll(async () => {
  logs = captureLogs();
  sim = await startSimulatorForFunctions();
});

beforeEach(() => {
  sim.reset();
});

afterAll(async () => {
  logs.restore();
  await sim?.close();
});

interface SimSummary {
  iccid: string;
  status: string;
  group?: string;
}
interface SimPage {
  sims: SimSummary[];
  page: number;
  pageSize: number;
  total: number;
}

const RATE_PLAN = 'M2MA_WW_TSL_IOTCONNECT_CAPPED';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const searchSims = (queryStringParameters?: Record<string, string>) =>
  invoke<SimPage>(handler, { routeKey: 'GET /v1/sims', queryStringParameters });

const getSim = (iccid: string) =>
  invoke(handler, { routeKey: 'GET /v1/sims/{iccid}', pathParameters: { iccid } });

const patchSim = (iccid: string, body: unknown) =>
  invoke(handler, { routeKey: 'PATCH /v1/sims/{iccid}', pathParameters: { iccid }, body });

const lifecycle = (action: 'suspend' | 'reactivate' | 'terminate', iccid: string, body?: unknown) =>
  invoke(handler, { routeKey: `POST /v1/sims/{iccid}/${action}`, pathParameters: { iccid }, body });

async function expectRejectedBeforeTransatel(
  input: Promise<ApiResult<unknown>>,
  path: string,
  callsBefore: number,
): Promise<void> {
  const response = await input;
  expect(response.statusCode).toBe(400);
  expect(response.headers['content-type']).toBe('application/problem+json');
  expect(response.body).toHaveProperty('errors', expect.arrayContaining([expect.objectContaining({ path })]));
  expect(await transatelCalls(sim)).toBe(callsBefore);
}

describe('sims-api routes', () => {
  it('serves exactly the routes the topology gives it', async () => {
    const keys = routes
      .filter((route) => route.function === 'sims-api')
      .map((route) => `${route.method} ${route.path}`);
    expect(keys).toHaveLength(6);
    for (const routeKey of keys) {
      const response = await invoke(handler, {
        routeKey,
        pathParameters: { iccid: 'x' },
        queryStringParameters: { bogus: '1' },
      });
      // Rejected by that route's own validation, not by the dispatcher's 404.
      expect(response.statusCode, routeKey).toBe(400);
    }
    const unknown = await invoke(handler, {
      routeKey: 'DELETE /v1/sims/{iccid}',
      pathParameters: { iccid: 'x' },
    });
    expect(unknown.statusCode).toBe(404);
  });
});

describe('GET /v1/sims', () => {
  it('answers the first page of the whole fleet by default', async () => {
    const response = await searchSims();

    expect(response.statusCode).toBe(200);
    expect(response.body).toMatchObject({ page: 1, pageSize: 100, total: 40 });
    expect(response.body.sims).toHaveLength(40);
    expect(response.body.sims[0]).toEqual({
      iccid: iccidFor('available', 0),
      status: 'Available',
      simType: 'physical',
    });
  });

  it('filters by status and group', async () => {
    const response = await searchSims({ status: 'Active', group: 'FLEET_A' });

    expect(response.statusCode).toBe(200);
    expect(response.body.total).toBe(8);
    expect(response.body.sims.every((s) => s.status === 'Active' && s.group === 'FLEET_A')).toBe(true);
    const preActivated = await searchSims({ status: 'Pre-activated' });
    expect(preActivated.body.total).toBe(6);
    expect(preActivated.body.sims.every((s) => s.status === 'Pre-activated')).toBe(true);
  });

  it('finds a SIM by its reference, with every summary field', async () => {
    const iccid = iccidFor('active', 2);
    await patchSim(iccid, { reference: 'truck-42' });
    await settled(sim, iccid);
    const detail = await getSim(iccid);

    const response = await searchSims({ reference: 'truck-42' });

    expect(response.body).toEqual({
      sims: [
        {
          iccid,
          msisdn: msisdnFor('active', 2),
          status: 'Active',
          simType: 'physical',
          ratePlan: RATE_PLAN,
          group: 'FLEET_A',
          reference: 'truck-42',
          activationDate: detail.body.activationDate,
        },
      ],
      page: 1,
      pageSize: 100,
      total: 1,
    });
  });

  it('pages through the results', async () => {
    const pages = await Promise.all(
      [1, 2, 3, 4, 5, 6].map((page) => searchSims({ status: 'Active', page: String(page), pageSize: '3' })),
    );

    expect(pages[1]?.body).toMatchObject({ page: 2, pageSize: 3, total: 16 });
    expect(pages.map((page) => page.body.sims.length)).toEqual([3, 3, 3, 3, 3, 1]);
    const iccids = pages.flatMap((page) => page.body.sims.map((s) => s.iccid));
    expect(new Set(iccids).size).toBe(16);
    expect((await searchSims({ status: 'Active', page: '7', pageSize: '3' })).body.sims).toEqual([]);
  });

  it.each([
    [{ status: 'Bogus' }, 'query.status'],
    [{ status: 'active' }, 'query.status'],
    [{ page: '0' }, 'query.page'],
    [{ page: 'two' }, 'query.page'],
    [{ pageSize: '1001' }, 'query.pageSize'],
    [{ pageSize: '2.5' }, 'query.pageSize'],
    [{ group: '' }, 'query.group'],
    [{ msisdn: '33612345678' }, 'query.msisdn'],
  ])('answers 400 for %j naming %s, without calling Transatel', async (query, path) => {
    await expectRejectedBeforeTransatel(searchSims(query), path, await transatelCalls(sim));
  });
});

describe('GET /v1/sims/{iccid}', () => {
  it("answers an active SIM's status, identifiers and options", async () => {
    const iccid = iccidFor('active', 4);
    const state = await simAdmin<{ subscriber: { activationDate: string; options: unknown[] } }>(
      sim,
      'GET',
      `/sims/${iccid}`,
    );

    const response = await getSim(iccid);

    expect(response.statusCode).toBe(200);
    expect(response.body).toEqual({
      iccid,
      msisdn: msisdnFor('active', 4),
      imsi: imsiFor('active', 4),
      status: 'Active',
      simType: 'physical',
      ratePlan: RATE_PLAN,
      options: state.subscriber.options,
      group: 'FLEET_A',
      activationDate: state.subscriber.activationDate,
    });
    expect(response.body.options).toContainEqual({
      name: 'OFFER_901_IOT_CONNECT_CAP_PRICING',
      value: 'IOTC_REF_BUNDLES',
    });
  });

  it('answers an available eSIM, which has no MSISDN nor options yet', async () => {
    const iccid = iccidFor('available-esim', 1);
    const response = await getSim(iccid);

    expect(response.body).toEqual({
      iccid,
      imsi: imsiFor('available-esim', 1),
      status: 'Available',
      simType: 'esim',
      options: [],
    });
  });

  it("answers 404 with Transatel's title for an unknown SIM", async () => {
    const response = await getSim(iccidFor('preactivated', 900));
    expect(response.statusCode).toBe(404);
    expect(response.body).toMatchObject({ title: 'SUBSCRIBER_NOT_FOUND', status: 404 });
  });

  it.each(['123', 'abcdefghijklmnopqrs', withWrongCheckDigit(iccidFor('active', 0))])(
    'answers 400 naming params.iccid for %s, without calling Transatel',
    async (iccid) => {
      await expectRejectedBeforeTransatel(getSim(iccid), 'params.iccid', await transatelCalls(sim));
    },
  );
});

describe('PATCH /v1/sims/{iccid}', () => {
  it('asks Transatel for the change and answers its pending transaction', async () => {
    const iccid = iccidFor('active', 6);

    const response = await patchSim(iccid, {
      reference: 'r-6',
      group: 'FLEET_Z',
      options: [{ name: 'SMS_MO', value: 'off' }],
    });

    expect(response.statusCode).toBe(202);
    expect(response.body).toEqual({ iccid, transactionId: expect.stringMatching(UUID), status: 'PENDING' });
    await settled(sim, iccid);
    const after = await getSim(iccid);
    expect(after.body).toMatchObject({ reference: 'r-6', group: 'FLEET_Z' });
    expect(after.body.options).toContainEqual({ name: 'SMS_MO', value: 'off' });
  });

  it("answers 422 with Transatel's title when Transatel refuses the options", async () => {
    const response = await patchSim(iccidFor('active', 6), {
      options: [{ name: 'NO_SUCH_OPTION', value: 'on' }],
    });

    expect(response.statusCode).toBe(422);
    expect(response.body).toMatchObject({ title: 'BAD_REQUEST', status: 422 });
    expect(response.body.detail).toMatch(/unknown option 'NO_SUCH_OPTION'/);
  });

  it.each([
    [{}, 'body'],
    [{ color: 'blue' }, 'body.color'],
    [{ reference: '' }, 'body.reference'],
    [{ options: [{ name: 'bad name', value: 'on' }] }, 'body.options[0].name'],
    [{ options: [] }, 'body.options'],
    ['{"reference": ', 'body'],
    [undefined, 'body'],
  ])('answers 400 for the body %j naming %s, without calling Transatel', async (body, path) => {
    await expectRejectedBeforeTransatel(
      patchSim(iccidFor('active', 6), body),
      path,
      await transatelCalls(sim),
    );
  });
});

describe('POST /v1/sims/{iccid}/suspend|reactivate|terminate', () => {
  it('suspends, reactivates and terminates a SIM, each time answering the transaction', async () => {
    const iccid = iccidFor('active', 8);

    const suspended = await lifecycle('suspend', iccid);
    expect(suspended.statusCode).toBe(202);
    expect(suspended.body).toEqual({ iccid, transactionId: expect.stringMatching(UUID), status: 'PENDING' });
    await settled(sim, iccid);
    expect((await getSim(iccid)).body.status).toBe('Suspended');

    const reactivated = await lifecycle('reactivate', iccid, {});
    expect(reactivated.statusCode).toBe(202);
    await settled(sim, iccid);
    expect((await getSim(iccid)).body.status).toBe('Active');

    const terminated = await lifecycle('terminate', iccid, { reference: 'scrapped' });
    expect(terminated.statusCode).toBe(202);
    await settled(sim, iccid);
    expect((await getSim(iccid)).body.status).toBe('Terminated');

    const counters = (await simAdmin<{ lifecycleBySim: Record<string, unknown> }>(sim, 'GET', '/counters'))
      .lifecycleBySim;
    expect(counters[iccid]).toEqual({ SUSPEND: 1, REACTIVATE: 1, TERMINATE: 1 });
  });

  it("answers 422 with Transatel's title when the SIM's status does not allow the change", async () => {
    const suspendAvailable = await lifecycle('suspend', iccidFor('available', 2));
    expect(suspendAvailable.statusCode).toBe(422);
    expect(suspendAvailable.headers['content-type']).toBe('application/problem+json');
    expect(suspendAvailable.body).toMatchObject({
      type: 'urn:problem:unprocessable',
      title: 'BAD_REQUEST',
      status: 422,
    });
    expect(suspendAvailable.body.detail).toMatch(
      /Invalid subscriber status for suspend \(status: Available\)/,
    );

    expect((await lifecycle('reactivate', iccidFor('active', 1))).body).toMatchObject({
      status: 422,
      title: 'BAD_REQUEST',
    });
    expect((await lifecycle('terminate', iccidFor('terminated', 0))).statusCode).toBe(422);
  });

  it("answers 404 with Transatel's title for an unknown SIM", async () => {
    const response = await lifecycle('terminate', iccidFor('suspended', 77));
    expect(response.statusCode).toBe(404);
    expect(response.body).toMatchObject({ title: 'SUBSCRIBER_NOT_FOUND' });
  });

  it.each([
    ['a bad ICCID', '8988247', undefined, 'params.iccid'],
    ['an unknown field', iccidFor('active', 9), { reason: 'theft' }, 'body.reason'],
    ['an empty reference', iccidFor('active', 9), { reference: '' }, 'body.reference'],
    ['a JSON array', iccidFor('active', 9), [], 'body'],
  ])('answers 400 for %s, without calling Transatel', async (_, iccid, body, path) => {
    const before = await transatelCalls(sim);
    await expectRejectedBeforeTransatel(lifecycle('suspend', iccid, body), path, before);
    expect(await routeCalls(sim, 'suspend')).toBe(0);
  });
});

describe('sims-api under random input', () => {
  it('never answers 5xx, whatever the path parameter, query or body', async () => {
    const routeKeys = fc.constantFrom(
      ...routes
        .filter((route) => route.function === 'sims-api')
        .map((route) => `${route.method} ${route.path}`),
    );
    const iccids = fc.oneof(
      fc.string({ maxLength: 25 }),
      fc.stringMatching(/^[0-9]{19,20}$/),
      fc.constantFrom(iccidFor('available', 3), iccidFor('terminated', 1)),
    );
    const queries = fc.dictionary(
      fc.constantFrom('status', 'group', 'reference', 'page', 'pageSize', 'other'),
      fc.oneof(fc.string({ maxLength: 6 }), fc.integer({ min: -5, max: 2000 }).map(String)),
      { maxKeys: 4 },
    );
    const bodies = fc.oneof(
      fc.constant(undefined),
      fc.string({ maxLength: 20 }),
      fc.jsonValue({ maxDepth: 2 }),
    );
    await fc.assert(
      fc.asyncProperty(routeKeys, iccids, queries, bodies, async (routeKey, iccid, query, body) => {
        const input: ApiEventInput = {
          routeKey,
          pathParameters: { iccid },
          queryStringParameters: query,
          body,
        };
        const response = await invoke(handler, input);
        expect(response.statusCode).toBeLessThan(500);
      }),
      { numRuns: 200 },
    );
  });
});
