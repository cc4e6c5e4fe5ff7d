import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type CountersSnapshot,
  iccidFor,
  imsiFor,
  matchingIdFor,
  msisdnFor,
  type RunningSimulator,
  startSimulator,
} from '#local/simulator/index.js';
import {
  adminClient,
  apiClient,
  CATALOG,
  CM,
  getToken,
  INVENTORY,
  type Inventory,
  MVNO_REF,
  ORDERS,
  type OrderBody,
  type Receiver,
  startReceiver,
  startTestSim,
  waitFor,
} from './helpers.js';

interface UsageResult {
  drawn: { subscriptionId: string; bytes: number; remainingKB: number }[];
  outOfBundleBytes: number;
  events: string[];
  activatedOnFirstUse: boolean;
}

const MB = 1024 * 1024;

describe('simulator /_sim admin API', () => {
  let sim: RunningSimulator;
  let receiver: Receiver;
  let api: ReturnType<typeof apiClient>;
  let admin: ReturnType<typeof adminClient>;

  beforeAll(async () => {
    receiver = await startReceiver();
    sim = await startTestSim({ webhooks: { targets: [{ url: receiver.url, secret: receiver.secret }] } });
    api = apiClient(sim, await getToken(sim));
    admin = adminClient(sim);
  });
  beforeEach(() => {
    sim.reset();
    receiver.received.length = 0;
  });
  afterAll(async () => {
    await sim.close();
    await receiver.close();
  });

  async function subscribe(msisdn: string, productId: string): Promise<string> {
    const res = await api<OrderBody>('POST', ORDERS, {
      bind: { msisdn },
      product: { productId },
      payment: { provider: 'Customer' },
      orderType: 'subscribe',
      mvnoRef: MVNO_REF,
    });
    expect(res.status).toBe(201);
    return res.body.subscriptionId;
  }

  it('health, config and counters', async () => {
    expect((await admin('GET', '/health')).body).toEqual({ ok: true });
    const config = await admin('PATCH', '/config', { activationDelayMs: 5, lifecycleDelayMs: 6 });
    expect(config.body).toMatchObject({
      activationDelayMs: 5,
      lifecycleDelayMs: 6,
      tokenTtlSeconds: 3600,
      seed: 42,
    });
    expect(JSON.stringify(config.body)).not.toContain('local-secret');
    expect((await admin('PATCH', '/config', { activationDelayMs: -1 })).status).toBe(400);

    await api('GET', `${CM}/subscribers/sim-serial/${iccidFor('active', 0)}`);
    await api('GET', `${CM}/subscribers/sim-serial/8988247990000000000`);
    await api('POST', `${CM}/subscribers/sim-serial/${iccidFor('available', 1)}/activate`, {
      ratePlan: 'M2MA_WW_TSL_IOTCONNECT_CAPPED',
    });
    await subscribe(msisdnFor('active', 1), 'IOTC_CAPPED_EU_1GB_30D');
    const counters = await admin<CountersSnapshot>('GET', '/counters');
    expect(counters.body).toMatchObject({
      calls: { getSubscriber: 2, activate: 1, ocsOrder: 1 },
      responses: { getSubscriber: { 200: 1, 404: 1 }, activate: { 201: 1 }, ocsOrder: { 201: 1 } },
      activationsBySim: { [iccidFor('available', 1)]: 1 },
      ocsOrders: { [iccidFor('active', 1)]: 1 },
      subscriptionsBySim: { [iccidFor('active', 1)]: 1 },
      faultsInjected: { error: 0, throttle: 0, rateLimit: 0, latency: 0, loseResponse: 0 },
      webhooks: { emitted: expect.any(Number) },
    });
    // The activation completes after the patched 5 ms delay.
    await waitFor(() => receiver.ofType('CONNECTIVITY-MANAGEMENT/SUBSCRIBER/ACTIVATED').length === 1);
  });

  it('lists SIMs by category/status and shows one SIM in full', async () => {
    const list = await admin<{ total: number; sims: { iccid: string; status: string }[] }>(
      'GET',
      '/sims?category=active&limit=3',
    );
    expect(list.body.total).toBe(10);
    expect(list.body.sims.map((s) => s.iccid)).toEqual([0, 1, 2].map((i) => iccidFor('active', i)));
    const pre = await admin<{ total: number }>('GET', '/sims?status=Pre-activated');
    expect(pre.body.total).toBe(15);

    const detail = await admin<Record<string, unknown>>('GET', `/sims/${iccidFor('active-esim', 0)}`);
    expect(detail.body).toMatchObject({
      iccid: iccidFor('active-esim', 0),
      imsi: imsiFor('active-esim', 0),
      subscriber: { status: 'Active', simType: 'esim' },
      products: [{ status: 'active', balances: { data: [{ resourceUnit: 'KB' }] } }],
      esim: { status: 'enabled' },
      transactions: [],
    });
    expect(detail.body.cdrCount).toBeGreaterThan(0);
    expect((await admin('GET', '/sims/123')).status).toBe(404);
  });

  it('usage draws balances down and emits THRESHOLD at 80 % and EXHAUSTED at 100 %', async () => {
    const iccid = iccidFor('active', 1);
    const subscriptionId = await subscribe(msisdnFor('active', 1), 'IOTC_CAPPED_FR_100MB_7D');
    const use = (bytes: number) => admin<UsageResult>('POST', '/usage', { iccid, bytes, country: 'DE' });

    const first = await use(70 * MB);
    expect(first.body.drawn).toEqual([
      { subscriptionId, productId: 'IOTC_CAPPED_FR_100MB_7D', bytes: 70 * MB, remainingKB: 30 * 1024 },
    ]);
    expect(first.body.events).toEqual([]);
    expect((await use(15 * MB)).body.events).toEqual(['OCS/RESOURCE/THRESHOLD']);
    const last = await use(20 * MB);
    expect(last.body.events).toEqual(['OCS/PRODUCT/RESOURCE/EXHAUSTED']);
    expect(last.body.outOfBundleBytes).toBe(5 * MB);

    await waitFor(() => receiver.ofType('OCS/PRODUCT/RESOURCE/EXHAUSTED').length === 1);
    expect(receiver.ofType('OCS/RESOURCE/THRESHOLD')[0]?.event.body).toMatchObject({
      iccid,
      productSubscription: { subscriptionId },
      resource: { resourceUnit: 'KB', resourceStartValue: 100 * 1024, thresholdPercent: 80 },
    });
    const inv = await api<Inventory>(
      'GET',
      `${INVENTORY}?msisdn=${msisdnFor('active', 1)}&withBalances=true`,
    );
    expect(inv.body.productSubscriptions[0]?.balances?.data[0]?.resourceValue).toBe(0);
    const cdrs = await api<{
      totalElements: number;
      content: { body: { dataSession: { originCountry: string } } }[];
    }>('GET', `/network/usage/api/cdr?imsi=${imsiFor('active', 1)}`);
    expect(cdrs.body.totalElements).toBe(3);
    expect(cdrs.body.content[0]?.body.dataSession.originCountry).toBe('DE');
  });

  it('usage spills over to the next plan and an unlimited plan absorbs everything', async () => {
    const iccid = iccidFor('active', 3);
    const small = await subscribe(msisdnFor('active', 3), 'IOTC_CAPPED_FR_100MB_7D');
    const unlimited = await subscribe(msisdnFor('active', 3), 'IOTC_CAPPED_EU_UNLIMITED_1M');
    const res = await admin<UsageResult>('POST', '/usage', { iccid, bytes: 300 * MB });
    expect(res.body.drawn.map((d) => [d.subscriptionId, d.bytes, d.remainingKB])).toEqual([
      [small, 100 * MB, 0],
      [unlimited, 200 * MB, -1],
    ]);
    expect(res.body.outOfBundleBytes).toBe(0);
  });

  it('usage on a Pre-activated SIM is its first attach; Available SIMs cannot attach', async () => {
    const res = await admin<UsageResult>('POST', '/usage', {
      iccid: iccidFor('preactivated', 3),
      bytes: 1000,
    });
    expect(res.body.activatedOnFirstUse).toBe(true);
    expect((await admin('POST', '/usage', { iccid: iccidFor('available', 0), bytes: 1 })).status).toBe(409);
    expect((await admin('POST', '/usage', { iccid: iccidFor('active', 0), bytes: -1 })).status).toBe(400);
  });

  it('attach activates a Pre-activated SIM with its preloaded products', async () => {
    const iccid = iccidFor('preactivated-esim', 0);
    await admin('PATCH', '/config', { activationDelayMs: 60_000 });
    await api('POST', ORDERS, {
      bind: { msisdn: msisdnFor('preactivated-esim', 0) },
      product: { productId: 'IOTC_CAPPED_EU_1GB_1M' },
      payment: { provider: 'Customer' },
      orderType: 'preload',
      mvnoRef: MVNO_REF,
    });
    const res = await admin('POST', `/sims/${iccid}/attach`);
    expect(res.body).toEqual({ iccid, status: 'Active', activated: true });
    expect((await admin('POST', `/sims/${iccid}/attach`)).body).toMatchObject({ activated: false });
    await waitFor(() => receiver.ofType('OCS/PRODUCT/ACTIVATED').length === 1);
    expect(receiver.ofType('CONNECTIVITY-MANAGEMENT/SUBSCRIBER/ACTIVATED')[0]?.event.body).toMatchObject({
      simSerial: iccid,
      source: 'system',
    });
    expect((await admin('POST', `/sims/${iccidFor('available', 0)}/attach`)).status).toBe(409);
  });

  it('renews a recurring product', async () => {
    const inv = await api<Inventory>(
      'GET',
      `${INVENTORY}?msisdn=${msisdnFor('active', 0)}&withBalances=true`,
    );
    const plan = inv.body.productSubscriptions[0];
    const renewed = await admin<Inventory['productSubscriptions'][number]>(
      'POST',
      `/products/${plan?.subscriptionId}/renew`,
    );
    const balance = renewed.body.balances?.data[0];
    expect(balance?.resourceValue).toBe(balance?.resourceStartValue);
    await waitFor(() => receiver.ofType('OCS/PRODUCT/RENEWED').length === 1);
  });

  it('lists emitted events without secrets and resets everything', async () => {
    await admin('POST', '/webhooks/test', { eventType: 'X/Y', body: { a: 1 } });
    await waitFor(() => sim.counters().webhooks.delivered === 1);
    const events = await admin<{ events: { eventType: string; deliveries: { status: string }[] }[] }>(
      'GET',
      '/events?limit=5',
    );
    expect(events.body.events).toEqual([
      expect.objectContaining({
        eventType: 'X/Y',
        deliveries: [expect.objectContaining({ status: 'delivered' })],
      }),
    ]);
    expect(JSON.stringify(events.body)).not.toContain(receiver.secret);

    // Long enough that the reset below always lands while the activation is still PENDING.
    await admin('PATCH', '/config', { activationDelayMs: 150 });
    await api('POST', `${CM}/subscribers/sim-serial/${iccidFor('available', 2)}/activate`, {
      ratePlan: 'M2MA_WW_TSL_IOTCONNECT_CAPPED',
    });
    await admin('PUT', '/faults', { routes: { '*': { errorRate: 1 } } });
    await admin('POST', '/webhooks', { url: receiver.url, secret: 'another' });
    expect((await admin('POST', '/reset')).status).toBe(200);
    expect((await admin('GET', '/faults')).body).toEqual({});
    expect((await admin<{ targets: unknown[] }>('GET', '/webhooks')).body.targets).toHaveLength(1);
    expect((await admin<{ events: unknown[] }>('GET', '/events')).body.events).toEqual([]);
    expect(sim.counters()).toMatchObject({
      calls: {},
      activationsBySim: {},
      webhooks: { emitted: 0, pending: 0 },
    });
    const sub = await api<{ status: string }>(
      'GET',
      `${CM}/subscribers/sim-serial/${iccidFor('available', 2)}`,
    );
    expect(sub.body.status).toBe('Available');
    // The cancelled activation never fires after the reset.
    expect((await admin<{ activationDelayMs: number }>('GET', '/config')).body.activationDelayMs).toBe(30);
    await new Promise((r) => setTimeout(r, 200));
    expect(receiver.ofType('CONNECTIVITY-MANAGEMENT/SUBSCRIBER/ACTIVATED')).toHaveLength(0);
  });
});

describe('simulator determinism and scale', () => {
  const sims: RunningSimulator[] = [];
  afterEach(async () => {
    await Promise.all(sims.splice(0).map((s) => s.close()));
  });

  async function snapshot(seed: number) {
    const sim = await startTestSim({ seed });
    sims.push(sim);
    const api = apiClient(sim, await getToken(sim));
    const esim = await api<{ matchingId: string }>(
      'GET',
      `/sim-management/sims/api/esims/sim-serial/${iccidFor('available-esim', 0)}`,
    );
    const catalog = await api('GET', CATALOG);
    const inventory = await api<Inventory>(
      'GET',
      `${INVENTORY}?msisdn=${msisdnFor('active', 0)}&withBalances=true`,
    );
    const plan = inventory.body.productSubscriptions[0];
    return {
      matchingId: esim.body.matchingId,
      catalog: catalog.body,
      plan: [plan?.subscriptionId, plan?.productDefinition.productId, plan?.balances?.data[0]?.resourceValue],
    };
  }

  it('the same seed gives the same matching ids, catalog and seeded plans', async () => {
    const [a, b, c] = await Promise.all([snapshot(7), snapshot(7), snapshot(8)]);
    expect(a).toEqual(b);
    expect(a.matchingId).toBe(matchingIdFor(7, iccidFor('available-esim', 0)));
    expect(c.matchingId).not.toBe(a.matchingId);
    expect(c.catalog).toEqual(a.catalog);
  });

  it('starts with 20,000 available SIMs and searches them', async () => {
    const sim = await startSimulator({ port: 0, simCounts: { available: 20_000 } });
    sims.push(sim);
    const api = apiClient(sim, await getToken(sim));
    const res = await api<{ totalElements: number; sims: { simSerial: string }[] }>(
      'GET',
      '/sim-search/api/sim/search?status=eq:Available&simType=eq:physical&page=200&size=100',
    );
    expect(res.body.totalElements).toBe(20_000);
    expect(res.body.sims.at(-1)?.simSerial).toBe(iccidFor('available', 19_999));
  });
});
