import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { handler } from '#functions/catalog-api/handler.js';
import type { RunningSimulator } from '#local/simulator/index.js';
import { invoke } from '#test/support/api-event.js';
import { type CaptureLogs, captureLogs } from '#test/support/log-capture.js';
import { routeCalls, startSimulatorForFunctions, transatelCalls } from './harness.js';

let sim: RunningSimulator;
let logs: CaptureLogs;

beforeAll(async () => {
  logs = captureLogs();
  sim = await startSimulatorForFunctions();
});

afterAll(async () => {
  logs.restore();
  await sim?.close();
});

afterEach(() => {
  vi.useRealTimers();
});

interface Plan {
  planId: string;
  countries: string[];
}

const listPlans = (queryStringParameters?: Record<string, string>) =>
  invoke<{ plans: Plan[] }>(handler, { routeKey: 'GET /v1/plans', queryStringParameters });

const GB = 1024 ** 3;
const MB = 1024 ** 2;

describe('GET /v1/plans', () => {
  it('lists every available plan of the COS with price, validity and allowance', async () => {
    const response = await listPlans();

    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/json');
    const { plans } = response.body;
    expect(plans).toHaveLength(16);
    expect(plans.map((plan) => plan.planId)).not.toContain('IOTC_CAPPED_EU_2GB_1M_LEGACY');
    expect(plans.find((plan) => plan.planId === 'IOTC_CAPPED_FR_500MB_1M')).toEqual({
      planId: 'IOTC_CAPPED_FR_500MB_1M',
      name: 'France 500 MB monthly',
      countries: ['FR'],
      price: { amountMinor: 200, currency: 'EUR' },
      validity: { value: 1, unit: 'months' },
      dataBytes: 500 * MB,
      unlimited: false,
      category: 'Recurring',
    });
    expect(plans.find((plan) => plan.planId === 'IOTC_CAPPED_WW_3GB_30D')).toMatchObject({
      price: { amountMinor: 2500, currency: 'EUR' },
      validity: { value: 30, unit: 'days' },
      dataBytes: 3 * GB,
      category: 'One-off',
    });
  });

  it('lists an unlimited plan without a data allowance', async () => {
    const { body } = await listPlans();
    const unlimited = body.plans.find((plan) => plan.planId === 'IOTC_CAPPED_EU_UNLIMITED_1M');

    expect(unlimited).toMatchObject({ unlimited: true, price: { amountMinor: 3900, currency: 'EUR' } });
    expect(unlimited).not.toHaveProperty('dataBytes');
  });

  it('keeps the plans covering the country asked for, in any letter case', async () => {
    const all = (await listPlans()).body.plans;

    const us = await listPlans({ country: 'us' });

    expect(us.statusCode).toBe(200);
    expect(us.body.plans.map((plan) => plan.planId).sort()).toEqual([
      'IOTC_CAPPED_NA_10GB_12M',
      'IOTC_CAPPED_NA_1GB_1M',
      'IOTC_CAPPED_NA_1GB_30D',
      'IOTC_CAPPED_WW_10GB_12M',
      'IOTC_CAPPED_WW_1GB_1M',
      'IOTC_CAPPED_WW_3GB_30D',
    ]);
    const france = (await listPlans({ country: 'FR' })).body.plans;
    expect(france).toEqual(all.filter((plan) => plan.countries.includes('FR')));
    expect(france).toHaveLength(12);
    expect((await listPlans({ country: 'AQ' })).body).toEqual({ plans: [] });
  });

  it('serves the catalogue from memory between two fetches', async () => {
    await listPlans();
    const catalogCalls = await routeCalls(sim, 'catalogList');

    await Promise.all([listPlans(), listPlans({ country: 'DE' }), listPlans({ country: 'JP' })]);
    expect(await routeCalls(sim, 'catalogList')).toBe(catalogCalls);

    // The default time to live is 300 s (shared/wiring/plan-catalog.ts).
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 301_000 });
    await listPlans();
    expect(await routeCalls(sim, 'catalogList')).toBe(catalogCalls + 1);
  });

  it.each([
    [{ country: 'FRA' }, 'query.country'],
    [{ country: 'F1' }, 'query.country'],
    [{ country: '' }, 'query.country'],
    [{ cos: 'OTHER' }, 'query.cos'],
    [{ country: 'FR', page: '2' }, 'query.page'],
  ])('answers 400 for %j naming %s, without calling Transatel', async (query, path) => {
    const before = await transatelCalls(sim);

    const response = await listPlans(query);

    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toBe('application/problem+json');
    expect(response.body).toMatchObject({ type: 'urn:problem:validation', status: 400 });
    expect(response.body).toHaveProperty('errors', [expect.objectContaining({ path })]);
    expect(await transatelCalls(sim)).toBe(before);
  });

  it('never answers 5xx, whatever the query string', async () => {
    const queries = fc.dictionary(
      fc.oneof(fc.constant('country'), fc.string({ maxLength: 10 })),
      fc.oneof(fc.string({ maxLength: 5 }), fc.constantFrom('FR', 'us', 'Zz')),
      { maxKeys: 3 },
    );
    await fc.assert(
      fc.asyncProperty(queries, async (query) => {
        const response = await listPlans(query);
        expect(response.statusCode).toBeLessThan(500);
      }),
      { numRuns: 200 },
    );
  });
});
