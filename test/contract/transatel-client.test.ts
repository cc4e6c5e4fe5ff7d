import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { iccidFor, type RunningSimulator, startSimulator } from '#local/simulator/index.js';
import { createTransatelClient, type TransatelClient } from '#shared/transatel/client.js';
import { TransatelApiError, TransatelUnknownOutcomeError } from '#shared/transatel/errors.js';

/** Every client method against the simulator over real HTTP: the happy path and each documented error. */

let sim: RunningSimulator;
let client: TransatelClient;

const COS = 'WW_M2MA_COS_IOT_CONNECT';
const PLAN = 'IOTC_CAPPED_EU_1GB_1M';

function newClient(overrides: Partial<Parameters<typeof createTransatelClient>[0]> = {}): TransatelClient {
  return createTransatelClient({
    baseUrl: sim.url,
    mvnoRef: 'M2MA_WW_TSL_LOCAL',
    cos: COS,
    ratePlan: 'M2MA_WW_TSL_IOTCONNECT_CAPPED',
    defaultOptions: [{ name: 'OFFER_901_IOT_CONNECT_CAP_PRICING', value: 'IOTC_REF_BUNDLES' }],
    credentials: async () => ({ clientId: 'local-client', clientSecret: 'local-secret' }),
    retry: { baseDelayMs: 5, maxDelayMs: 50 },
    ...overrides,
  });
}

async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function apiError(promise: Promise<unknown>): Promise<TransatelApiError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TransatelApiError);
  return error as TransatelApiError;
}

beforeAll(async () => {
  sim = await startSimulator({ port: 0, activationDelayMs: 50, lifecycleDelayMs: 30 });
});
afterAll(async () => {
  await sim.close();
});
beforeEach(() => {
  sim.reset();
  client = newClient();
});

describe('Connectivity Management', () => {
  it('reads a subscriber by ICCID, normalised', async () => {
    const iccid = iccidFor('active', 0);
    const subscriber = await client.connectivity.getSubscriber(iccid);
    expect(subscriber).toMatchObject({ iccid, status: 'Active', ratePlan: 'M2MA_WW_TSL_IOTCONNECT_CAPPED' });
    expect(subscriber.msisdn).toMatch(/^[0-9]{6,15}$/);
    expect((await client.connectivity.getSubscriber(iccidFor('preactivated', 0))).status).toBe(
      'Pre-activated',
    );
  });

  it('activates with rate plan, merged options, reference and group; completes asynchronously', async () => {
    const iccid = iccidFor('available', 3);
    const transaction = await client.connectivity.activate(iccid, {
      options: [{ name: 'RESTRICT_THRESHOLD_1GB', value: 'on' }],
      reference: 'truck-42',
      group: 'fleet-a',
    });
    expect(transaction).toMatchObject({ iccid, state: 'PENDING' });
    expect((await client.connectivity.getSubscriber(iccid)).status).toBe('Available');
    const active = await waitFor(async () => {
      const subscriber = await client.connectivity.getSubscriber(iccid);
      return subscriber.status === 'Active' ? subscriber : undefined;
    });
    expect(active).toMatchObject({ reference: 'truck-42', group: 'fleet-a' });
    expect(active.options).toEqual(
      expect.arrayContaining([
        { name: 'OFFER_901_IOT_CONNECT_CAP_PRICING', value: 'IOTC_REF_BUNDLES' },
        { name: 'RESTRICT_THRESHOLD_1GB', value: 'on' },
      ]),
    );
    const status = await client.connectivity.getTransaction(transaction.transactionId as string);
    expect(status).toMatchObject({
      transactionId: transaction.transactionId,
      state: 'DONE',
      type: 'ACTIVATE',
    });
  });

  it('refuses an unknown SIM with SUBSCRIBER_NOT_FOUND', async () => {
    const unknown = '89882479999999999990';
    const error = await apiError(client.connectivity.getSubscriber(unknown));
    expect(error).toMatchObject({ status: 404, title: 'SUBSCRIBER_NOT_FOUND', permanent: true });
    expect(error.requestId).toBeTruthy();
    expect((await apiError(client.connectivity.activate(unknown))).title).toBe('SUBSCRIBER_NOT_FOUND');
  });

  it('refuses activating an Active SIM, and a second activation while one is pending', async () => {
    const active = await apiError(client.connectivity.activate(iccidFor('active', 1)));
    expect(active).toMatchObject({ status: 400, title: 'BAD_REQUEST' });
    expect(active.detail).toMatch(/not ready for activation/);
    const iccid = iccidFor('available', 4);
    await client.connectivity.activate(iccid);
    expect((await apiError(client.connectivity.activate(iccid))).title).toBe('TRANSACTION_IN_PROGRESS');
  });

  it('modifies options, reference and group', async () => {
    const iccid = iccidFor('active', 2);
    const transaction = await client.connectivity.modify(iccid, { reference: 'r-2', group: 'g-2' });
    expect(transaction.state).toBe('PENDING');
    await waitFor(async () =>
      (await client.connectivity.getSubscriber(iccid)).reference === 'r-2' ? true : undefined,
    );
    expect((await client.connectivity.getSubscriber(iccid)).group).toBe('g-2');
  });

  it('suspends, reactivates and terminates, each refused in the wrong state', async () => {
    const iccid = iccidFor('active', 3);
    await client.connectivity.suspend(iccid);
    await waitFor(async () =>
      (await client.connectivity.getSubscriber(iccid)).status === 'Suspended' ? true : undefined,
    );
    expect((await apiError(client.connectivity.suspend(iccid))).title).toBe('BAD_REQUEST');
    await client.connectivity.reactivate(iccid);
    await waitFor(async () =>
      (await client.connectivity.getSubscriber(iccid)).status === 'Active' ? true : undefined,
    );
    await client.connectivity.terminate(iccid, { reference: 'end' });
    await waitFor(async () =>
      (await client.connectivity.getSubscriber(iccid)).status === 'Terminated' ? true : undefined,
    );
    expect((await apiError(client.connectivity.suspend(iccidFor('available', 0)))).status).toBe(400);
  });

  it('reports an unknown transaction', async () => {
    expect((await apiError(client.connectivity.getTransaction('nope'))).status).toBe(404);
  });
});

describe('SIM Search', () => {
  it('filters and pages, and strips the + of MSISDNs', async () => {
    const page = await client.simSearch.search({ status: 'Active' }, { page: 1, size: 10 });
    expect(page.sims).toHaveLength(10);
    expect(page.totalElements).toBeGreaterThanOrEqual(100);
    expect(page.totalPages).toBe(Math.ceil(page.totalElements / 10));
    for (const sim of page.sims) {
      expect(sim.status).toBe('Active');
      expect(sim.msisdn).toMatch(/^[0-9]+$/);
    }
    const preactivated = await client.simSearch.search({ status: 'Pre-activated' }, { size: 5 });
    expect(preactivated.sims[0]?.status).toBe('Pre-activated');
  });

  it('iterates over every page', async () => {
    const all: string[] = [];
    for await (const sim of client.simSearch.all({ status: 'Suspended' }, 7)) all.push(sim.iccid);
    const first = await client.simSearch.search({ status: 'Suspended' }, { size: 1 });
    expect(all).toHaveLength(first.totalElements);
    expect(new Set(all).size).toBe(all.length);
  });
});

describe('OCS Subscription, Inventory and Catalog', () => {
  it('subscribes a plan on an Active SIM, visible in the inventory with balances in bytes', async () => {
    const iccid = iccidFor('active', 1); // odd index: no plan yet
    const { msisdn } = await client.connectivity.getSubscriber(iccid);
    const order = await client.ocsSubscriptions.subscribe({
      msisdn: msisdn as string,
      productId: PLAN,
      transactionReference: 'order-1',
    });
    expect(order.subscriptionId).toBeTruthy();
    const products = await client.ocsInventory.listProducts(msisdn as string);
    const product = products.find((p) => p.subscriptionId === order.subscriptionId);
    expect(product).toMatchObject({ productId: PLAN, status: 'active', transactionReference: 'order-1' });
    expect(product?.data).toEqual({
      totalBytes: 1024 ** 3,
      usedBytes: 0,
      remainingBytes: 1024 ** 3,
      unlimited: false,
    });
    expect(await client.ocsInventory.findByTransactionReference(msisdn as string, 'order-1')).toMatchObject({
      subscriptionId: order.subscriptionId,
    });
    expect(await client.ocsInventory.getProduct(order.subscriptionId as string)).toMatchObject({
      productId: PLAN,
    });
    expect(sim.counters().subscriptionsBySim[iccid]).toBe(1);
  });

  it('preloads on a Pre-activated SIM and refuses preload on an Active one', async () => {
    const pre = await client.connectivity.getSubscriber(iccidFor('preactivated', 1));
    const preload = await client.ocsSubscriptions.preload({ msisdn: pre.msisdn as string, productId: PLAN });
    expect(preload.subscriptionId).toBeTruthy();
    const active = await client.connectivity.getSubscriber(iccidFor('active', 5));
    const refused = await apiError(
      client.ocsSubscriptions.preload({ msisdn: active.msisdn as string, productId: PLAN }),
    );
    expect(refused).toMatchObject({ status: 400, title: 'PRODUCT_NOT_ELIGIBLE', permanent: true });
  });

  it('refuses an unknown SIM, an unknown product and an MSISDN with +', async () => {
    const unknownSim = await apiError(
      client.ocsSubscriptions.subscribe({ msisdn: '882479999999999', productId: PLAN }),
    );
    expect(unknownSim.title).toBe('SUBSCRIBER_NOT_FOUND');
    const { msisdn } = await client.connectivity.getSubscriber(iccidFor('active', 7));
    expect(
      (await apiError(client.ocsSubscriptions.subscribe({ msisdn: msisdn as string, productId: 'NOPE' })))
        .title,
    ).toBe('PRODUCT_NOT_FOUND');
    expect(
      (await apiError(client.ocsSubscriptions.subscribe({ msisdn: `+${msisdn}`, productId: PLAN }))).title,
    ).toBe('BAD_REQUEST');
    expect((await apiError(client.ocsInventory.listProducts(`+${msisdn}`))).title).toBe('BAD_REQUEST');
  });

  it('lists an empty inventory as an empty list, and draws balances down with usage', async () => {
    const { msisdn } = await client.connectivity.getSubscriber(iccidFor('active', 9));
    expect(await client.ocsInventory.listProducts(msisdn as string)).toEqual([]);
    const iccid = iccidFor('active', 0); // even index: starts with a plan
    const before = (
      await client.ocsInventory.listProducts(
        (
          await client.connectivity.getSubscriber(iccid)
        ).msisdn as string,
      )
    )[0];
    expect(before?.data.usedBytes).toBeGreaterThan(0);
    await fetch(`${sim.url}/_sim/usage`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ iccid, bytes: 1024 * 1024 }),
    });
    const after = (
      await client.ocsInventory.listProducts(
        (
          await client.connectivity.getSubscriber(iccid)
        ).msisdn as string,
      )
    )[0];
    expect((after?.data.usedBytes ?? 0) - (before?.data.usedBytes ?? 0)).toBe(1024 * 1024);
  });

  it('lists the catalog with prices in minor units, filters by ISO-2 country and checks eligibility', async () => {
    const all = await client.ocsCatalog.listProducts();
    expect(all.length).toBeGreaterThanOrEqual(10);
    const eu = all.find((p) => p.productId === PLAN);
    expect(eu).toMatchObject({
      price: { amountMinor: 500, currency: 'EUR' },
      dataBytes: 1024 ** 3,
      unlimited: false,
      category: 'Recurring',
    });
    const fr = await client.ocsCatalog.listProducts({ country: 'fr' });
    expect(fr.length).toBeGreaterThan(0);
    expect(fr.every((p) => p.countries.includes('FR'))).toBe(true);
    expect(fr.length).toBeLessThan(all.length);
    expect(all.some((p) => p.unlimited && p.dataBytes === undefined)).toBe(true);
    const { msisdn } = await client.connectivity.getSubscriber(iccidFor('active', 0));
    expect(await client.ocsCatalog.checkEligibility(PLAN, msisdn as string)).toMatchObject({ allowed: true });
    const suspended = await client.connectivity.getSubscriber(iccidFor('suspended', 0));
    expect((await client.ocsCatalog.checkEligibility(PLAN, suspended.msisdn as string)).allowed).toBe(false);
    expect((await apiError(client.ocsCatalog.getProduct('NOPE'))).title).toBe('PRODUCT_NOT_FOUND');
  });

  it('refuses a COS the account may not read', async () => {
    const other = newClient({ cos: 'WW_M2MA_COS_SPC' });
    expect((await apiError(other.ocsCatalog.listProducts())).title).toBe('INSUFFICIENT_PERMISSION');
  });
});

describe('SIM Management (eSIM)', () => {
  it('returns status, activation code, LPA and a PNG QR code', async () => {
    const iccid = iccidFor('available-esim', 0);
    const esim = await client.esim.getEsim(iccid);
    expect(esim).toMatchObject({ iccid, status: 'released' });
    expect(esim.activationCode).toMatch(/^1\$[^$]+\$.+/);
    expect(esim.lpa).toBe(`LPA:${esim.activationCode}`);
    expect(esim.qrCodeDataUrl).toMatch(/^data:image\/png;base64,/);
    const history = await client.esim.getEsim(iccid, { history: true });
    expect(history.history.length).toBeGreaterThan(0);
  });

  it('answers ESIM_NOT_FOUND for a physical SIM', async () => {
    const error = await apiError(client.esim.getEsim(iccidFor('active', 0)));
    expect(error).toMatchObject({ status: 404, title: 'ESIM_NOT_FOUND' });
  });
});

describe('Network Usage', () => {
  it('sums data sessions over a period, by country, and filters by country', async () => {
    const iccid = iccidFor('active', 0);
    const { imsi } = await client.connectivity.getSubscriber(iccid);
    const to = new Date(Date.now() + 60_000);
    const from = new Date(to.getTime() - 40 * 24 * 3600 * 1000);
    await fetch(`${sim.url}/_sim/usage`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ iccid, bytes: 5_000, country: 'DE' }),
    });
    const usage = await client.networkUsage.getUsage({ iccid, imsi, from, to });
    expect(usage.sessions).toBeGreaterThan(0);
    expect(usage.byCountry.reduce((sum, c) => sum + c.totalBytes, 0)).toBe(usage.totalBytes);
    expect(usage.totalBytes).toBe(usage.uplinkBytes + usage.downlinkBytes);
    const de = await client.networkUsage.getUsage({ iccid, imsi, from, to, country: 'DE' });
    expect(de.byCountry.map((c) => c.country)).toEqual(['DE']);
    expect(de.totalBytes).toBeGreaterThanOrEqual(5_000);
    const empty = await client.networkUsage.getUsage({
      iccid,
      imsi,
      from: new Date(0),
      to: new Date(1_000),
    });
    expect(empty).toMatchObject({ totalBytes: 0, sessions: 0, byCountry: [], complete: true });
  });
});

describe('behaviour against the simulator', () => {
  it('makes exactly one token request for 100 concurrent calls', async () => {
    const before = sim.counters().tokenRequests;
    await Promise.all(
      Array.from({ length: 100 }, (_, i) => client.connectivity.getSubscriber(iccidFor('available', i % 20))),
    );
    expect(sim.counters().tokenRequests - before).toBe(1);
    expect(client.tokenRequests).toBe(1);
  });

  it('drops a revoked token on 401 and retries once with a new one', async () => {
    await client.connectivity.getSubscriber(iccidFor('active', 0));
    await fetch(`${sim.url}/_sim/tokens/revoke`, { method: 'POST' });
    await expect(client.connectivity.getSubscriber(iccidFor('active', 0))).resolves.toMatchObject({
      status: 'Active',
    });
    expect(client.tokenRequests).toBe(2);
  });

  it('retries reads through injected 5xx and 429 with Retry-After', async () => {
    sim.setFaults({
      routes: {
        getSubscriber: { errorRate: 0.5, errorStatus: 503, throttleRate: 0.3, retryAfterSeconds: 0 },
      },
    });
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        client.connectivity.getSubscriber(iccidFor('active', i % 10)).then(
          () => 'ok',
          (e: unknown) => e,
        ),
      ),
    );
    const ok = results.filter((r) => r === 'ok').length;
    expect(ok).toBeGreaterThanOrEqual(25); // each call fails only if 4 attempts in a row fail (~6%)
    const responses = sim.counters().responses.getSubscriber ?? {};
    expect((responses['503'] ?? 0) + (responses['429'] ?? 0)).toBeGreaterThan(0);
  });

  it('turns a response lost after commit into an unknown outcome, and the change is there', async () => {
    sim.setFaults({ routes: { ocsOrder: { loseResponseRate: 1 } } });
    const iccid = iccidFor('active', 11);
    const { msisdn } = await client.connectivity.getSubscriber(iccid);
    const error = await client.ocsSubscriptions
      .subscribe({ msisdn: msisdn as string, productId: PLAN, transactionReference: 'lost-1' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransatelUnknownOutcomeError);
    expect(sim.counters().ocsOrders[iccid]).toBe(1); // sent once, never retried blindly
    sim.setFaults({});
    expect(await client.ocsInventory.findByTransactionReference(msisdn as string, 'lost-1')).toBeDefined();
  });
});
