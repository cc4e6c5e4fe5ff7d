import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handler } from '#functions/catalog-api/handler.js';
import { resetCatalogCache } from '#shared/wiring/plan-catalog.js';
import { invoke } from '#test/support/api-event.js';
import { type CaptureLogs, captureLogs } from '#test/support/log-capture.js';
import { json, type ScriptedHandler, startScriptedServer, tokenOk } from '#test/support/scripted-server.js';
import { localSecretEnv, transatelEnv } from './harness.js';

/** What the simulator cannot be asked for: a product without a price, and an outage on demand. */
const CATALOG_PATH = '/ocs/catalog/api/cos/WW_M2MA_COS_IOT_CONNECT/products';

function product(productId: string, prices: unknown) {
  return {
    availability: { available: true },
    prices,
    productDefinition: {
      productId,
      productCategory: 'One-off',
      tags: ['fr', 'de'],
      allowances: { data: { value: 2, unit: 'GB' } },
      validityPeriod: { validityDuration: 30, validityDurationUnit: 'days' },
      description: { productLabel: `Label of ${productId}` },
    },
  };
}

let catalog: ScriptedHandler = (_req, res) =>
  json(res, 200, {
    products: [
      product('PRICED', { subscriptionFee: [[{ amount: 12.5, currency: 'eur' }]] }),
      product('UNPRICED', null),
    ],
  });

let server: Awaited<ReturnType<typeof startScriptedServer>>;
let logs: CaptureLogs;

beforeAll(async () => {
  logs = captureLogs();
  server = await startScriptedServer({
    'POST /authentication/api/token': tokenOk(),
    [`GET ${CATALOG_PATH}`]: (req, res) => catalog(req, res),
  });
  Object.assign(process.env, transatelEnv(server.url), await localSecretEnv());
});

afterAll(async () => {
  logs.restore();
  await server?.close();
});

const listPlans = () => invoke<{ plans: unknown[] }>(handler, { routeKey: 'GET /v1/plans' });

describe('GET /v1/plans against unusual catalog answers', () => {
  it('skips a product without a price, with a warning naming it', async () => {
    logs.clear();

    const response = await listPlans();

    expect(response.statusCode).toBe(200);
    expect(response.body).toEqual({
      plans: [
        {
          planId: 'PRICED',
          name: 'Label of PRICED',
          countries: ['FR', 'DE'],
          price: { amountMinor: 1250, currency: 'EUR' },
          validity: { value: 30, unit: 'days' },
          dataBytes: 2 * 1024 ** 3,
          unlimited: false,
          category: 'One-off',
        },
      ],
    });
    expect(logs.lines()).toContainEqual(
      expect.objectContaining({
        level: 'WARN',
        message: 'catalog product skipped',
        productId: 'UNPRICED',
        reason: 'no price',
      }),
    );

    logs.clear();
    await listPlans();
    expect(logs.lines().filter((line) => line.message === 'catalog product skipped')).toEqual([]);
  });

  it('reads the catalogue once for many requests', async () => {
    await listPlans();
    const fetches = server.count('GET', CATALOG_PATH);
    await Promise.all([listPlans(), listPlans(), listPlans()]);
    expect(server.count('GET', CATALOG_PATH)).toBe(fetches);
  });

  it('answers 503 while Transatel fails, and does not keep the failure in the cache', async () => {
    resetCatalogCache();
    const healthy = catalog;
    catalog = (_req, res) => json(res, 503, { title: 'SERVICE_UNAVAILABLE', status: 503, detail: 'down' });
    try {
      const failed = await listPlans();
      expect(failed.statusCode).toBe(503);
      expect(failed.body).toMatchObject({ title: 'SERVICE_UNAVAILABLE', status: 503 });
    } finally {
      catalog = healthy;
    }
    const fetchesBefore = server.count('GET', CATALOG_PATH);
    expect((await listPlans()).statusCode).toBe(200);
    expect((await listPlans()).statusCode).toBe(200);
    expect(server.count('GET', CATALOG_PATH)).toBe(fetchesBefore + 1);
  });
});
