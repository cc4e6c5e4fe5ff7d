import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handler } from '#functions/balance-api/handler.js';
import { iccidFor, msisdnFor, type RunningSimulator } from '#local/simulator/index.js';
import { OcsSubscriptionsApi } from '#shared/transatel/ocs-subscriptions.js';
import { transatelHttp } from '#shared/wiring/clients/transatel.js';
import { invoke } from '#test/support/api-event.js';
import { type CaptureLogs, captureLogs } from '#test/support/log-capture.js';
import {
  routeCalls,
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

afterAll(async () => {
  logs.restore();
  await sim?.close();
});

const getBalance = (iccid: string) =>
  invoke(handler, { routeKey: 'GET /v1/sims/{iccid}/balance', pathParameters: { iccid } });

interface AdminProduct {
  subscriptionId: string;
  status: string;
  activationDate?: string;
  expirationDate?: string;
  productDefinition: { productId: string };
  balances: { data: { resourceValue: number; resourceStartValue: number }[] };
}

describe('GET /v1/sims/{iccid}/balance', () => {
  it("answers an active SIM's plan with its data balance in bytes", async () => {
    const iccid = iccidFor('active', 0);
    const { products } = await simAdmin<{ products: AdminProduct[] }>(sim, 'GET', `/sims/${iccid}`);
    const [product] = products;
    if (!product) throw new Error('the seeded active SIM 0 has a plan');
    const [balance] = product.balances.data;
    if (!balance) throw new Error('the seeded plan has a data balance');
    const totalBytes = balance.resourceStartValue * 1024;
    const remainingBytes = balance.resourceValue * 1024;

    const response = await getBalance(iccid);

    expect(response.statusCode).toBe(200);
    expect(response.body).toEqual({
      iccid,
      msisdn: msisdnFor('active', 0),
      plans: [
        {
          subscriptionId: product.subscriptionId,
          planId: product.productDefinition.productId,
          status: 'active',
          activatedAt: product.activationDate,
          expiresAt: product.expirationDate,
          data: { totalBytes, usedBytes: totalBytes - remainingBytes, remainingBytes, unlimited: false },
        },
      ],
    });
    expect(remainingBytes).toBeGreaterThan(0);
    expect(remainingBytes).toBeLessThan(totalBytes);
  });

  it('answers an empty plan list for an active SIM without plans', async () => {
    const iccid = iccidFor('active', 1);
    const response = await getBalance(iccid);

    expect(response.statusCode).toBe(200);
    expect(response.body).toEqual({ iccid, msisdn: msisdnFor('active', 1), plans: [] });
  });

  it('answers -1 for total and remaining bytes of an unlimited plan', async () => {
    const iccid = iccidFor('active', 3);
    const msisdn = msisdnFor('active', 3);
    const order = await new OcsSubscriptionsApi(transatelHttp()).subscribe({
      msisdn,
      productId: 'IOTC_CAPPED_EU_UNLIMITED_1M',
    });
    await simAdmin(sim, 'POST', '/usage', { iccid, bytes: 5_000_000, country: 'FR' });

    const response = await getBalance(iccid);

    expect(response.statusCode).toBe(200);
    expect(response.body.plans).toEqual([
      expect.objectContaining({
        subscriptionId: order.subscriptionId,
        planId: 'IOTC_CAPPED_EU_UNLIMITED_1M',
        status: 'active',
        data: { totalBytes: -1, usedBytes: 0, remainingBytes: -1, unlimited: true },
      }),
    ]);
  });

  it('answers 409 SIM_NOT_ACTIVE for a SIM without an MSISDN, without asking OCS', async () => {
    const iccid = iccidFor('available', 0);
    const inventoryCallsBefore = await routeCalls(sim, 'inventoryList');

    const response = await getBalance(iccid);

    expect(response.statusCode).toBe(409);
    expect(response.headers['content-type']).toBe('application/problem+json');
    expect(response.body).toMatchObject({
      type: 'urn:problem:conflict',
      title: 'SIM_NOT_ACTIVE',
      status: 409,
    });
    expect(response.body.detail).toMatch(/activate it/);
    expect(await routeCalls(sim, 'inventoryList')).toBe(inventoryCallsBefore);
  });

  it("answers 404 with Transatel's title for a SIM Transatel does not know", async () => {
    const response = await getBalance(iccidFor('active', 500));

    expect(response.statusCode).toBe(404);
    expect(response.body).toMatchObject({ title: 'SUBSCRIBER_NOT_FOUND', status: 404 });
  });

  it.each([
    ['letters', 'abcdefghijklmnopqrs', 'ICCID must contain digits only'],
    ['too short', '898824720000000', 'ICCID must be 19 or 20 digits long'],
    ['too long', '898824720000000000000', 'ICCID must be 19 or 20 digits long'],
    ['a wrong check digit', withWrongCheckDigit(iccidFor('active', 0)), 'ICCID check digit (Luhn) is wrong'],
  ])(
    'answers 400 naming params.iccid for an ICCID with %s, without calling Transatel',
    async (_, iccid, message) => {
      const before = await transatelCalls(sim);

      const response = await getBalance(iccid);

      expect(response.statusCode).toBe(400);
      expect(response.headers['content-type']).toBe('application/problem+json');
      expect(response.body.errors).toEqual([{ path: 'params.iccid', message }]);
      expect(await transatelCalls(sim)).toBe(before);
    },
  );

  it('answers 503 with Retry-After when OCS keeps failing', async () => {
    sim.setFaults({ routes: { inventoryList: { errorRate: 1, errorStatus: 503 } } });
    try {
      const response = await getBalance(iccidFor('active', 0));

      expect(response.statusCode).toBe(503);
      expect(response.headers['retry-after']).toMatch(/^[0-9]+$/);
      expect(response.body).toMatchObject({ status: 503, type: 'urn:problem:unavailable' });
    } finally {
      sim.setFaults({});
    }
  });

  it('never answers 5xx, whatever the path parameter', async () => {
    const iccids = fc.oneof(
      fc.string({ maxLength: 30 }),
      fc.stringMatching(/^[0-9]{18,21}$/),
      fc.constantFrom(iccidFor('active', 0), iccidFor('available', 1), iccidFor('terminated', 0)),
    );
    await fc.assert(
      fc.asyncProperty(iccids, async (iccid) => {
        const response = await getBalance(iccid);
        expect(response.statusCode).toBeLessThan(500);
      }),
      { numRuns: 150 },
    );
  });
});
