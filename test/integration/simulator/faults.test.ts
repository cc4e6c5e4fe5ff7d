import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { iccidFor, msisdnFor, type RunningSimulator } from '#local/simulator/index.js';
import {
  adminClient,
  apiClient,
  CM,
  getToken,
  INVENTORY,
  type Inventory,
  MVNO_REF,
  ORDERS,
  type Problem,
  RATE_PLAN,
  type Subscriber,
  startTestSim,
  waitFor,
} from './helpers.js';

describe('simulator route faults', () => {
  let sim: RunningSimulator;
  let api: ReturnType<typeof apiClient>;
  let token: string;
  const subscriber = (iccid: string) => `${CM}/subscribers/sim-serial/${iccid}`;

  beforeAll(async () => {
    sim = await startTestSim();
    token = await getToken(sim);
    api = apiClient(sim, token);
  });
  beforeEach(() => sim.reset());
  afterAll(() => sim.close());

  it('injects 5xx problems at errorRate with the right titles', async () => {
    const titles: Record<number, string> = {
      500: 'INTERNAL_ERROR',
      502: 'BAD_GATEWAY',
      503: 'SERVICE_UNAVAILABLE',
      504: 'GATEWAY_TIMEOUT',
    };
    for (const status of [500, 502, 503, 504] as const) {
      sim.setFaults({ routes: { getSubscriber: { errorRate: 1, errorStatus: status } } });
      const res = await api<Problem>('GET', subscriber(iccidFor('active', 0)));
      expect(res.status).toBe(status);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      expect(res.headers.get('x-tsl-request-id')).toBeTruthy();
      expect(res.body.title).toBe(titles[status]);
    }
    // Other routes are untouched; /_sim never faults.
    expect((await api('GET', `${CM}/transactions/x`)).status).toBe(404);
    expect((await adminClient(sim)('GET', '/health')).body).toEqual({ ok: true });
    expect(sim.counters().faultsInjected.error).toBe(4);
  });

  it('a partial errorRate is replayable from the seed', async () => {
    const run = async () => {
      sim.reset();
      sim.setFaults({ routes: { getSubscriber: { errorRate: 0.5 } } });
      const statuses: number[] = [];
      for (let i = 0; i < 20; i++)
        statuses.push((await api('GET', subscriber(iccidFor('active', 0)))).status);
      return statuses;
    };
    const first = await run();
    expect(first).toContain(500);
    expect(first).toContain(200);
    expect(await run()).toEqual(first);
  });

  it('throttles with 429 TOO_MANY_REQUESTS and Retry-After', async () => {
    await adminClient(sim)('PUT', '/faults', { routes: { '*': { throttleRate: 1, retryAfterSeconds: 7 } } });
    const res = await api<Problem>('GET', subscriber(iccidFor('active', 0)));
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('7');
    expect(res.body.title).toBe('TOO_MANY_REQUESTS');
    // '*' covers the token route too.
    const tokenRes = await fetch(`${sim.url}/authentication/api/token`, { method: 'POST' });
    expect(tokenRes.status).toBe(429);
    expect((await adminClient(sim)('DELETE', '/faults')).body).toEqual({});
    expect((await api('GET', subscriber(iccidFor('active', 0)))).status).toBe(200);
  });

  it('enforces an rps token bucket with Retry-After', async () => {
    sim.setFaults({ routes: { simSearch: { rps: 2 } } });
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 6; i++) {
      const res = await api('GET', `/sim-search/api/sim/search?simSerial=eq:${iccidFor('active', 0)}`);
      statuses.push(res.status);
      if (res.status === 429) retryAfter = res.headers.get('retry-after');
    }
    expect(statuses.slice(0, 2)).toEqual([200, 200]);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(3);
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
    expect(sim.counters().faultsByRoute.simSearch?.rateLimit).toBeGreaterThanOrEqual(3);
    // Other routes have their own bucket (none configured here).
    expect((await api('GET', subscriber(iccidFor('active', 0)))).status).toBe(200);
  });

  it('enforces one globalRps bucket shared by every API route, token included', async () => {
    sim.setFaults({ globalRps: 3 });
    const statuses: number[] = [];
    // Three different routes draw on the same bucket: only the first 3 requests pass.
    statuses.push((await api('GET', subscriber(iccidFor('active', 0)))).status);
    statuses.push((await api('GET', `${INVENTORY}?msisdn=${msisdnFor('active', 0)}`)).status);
    statuses.push((await fetch(`${sim.url}/authentication/api/token`, { method: 'POST' })).status);
    const refused = await api<Problem>('GET', `${CM}/transactions/x`);
    const refusedToken = await fetch(`${sim.url}/authentication/api/token`, { method: 'POST' });
    expect(statuses).toEqual([200, 200, 401]); // the token request has no credentials: refused by auth, not by the limit
    expect(refused.status).toBe(429);
    expect(refused.body.title).toBe('TOO_MANY_REQUESTS');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(refusedToken.status).toBe(429);
    const counters = sim.counters();
    expect(counters.faultsInjected.rateLimit).toBe(2);
    expect(counters.faultsByRoute.getTransaction).toEqual({ rateLimit: 1 });
    expect(counters.faultsByRoute.token).toEqual({ rateLimit: 1 });
    // /_sim is never limited.
    expect((await adminClient(sim)('GET', '/health')).status).toBe(200);
    // The bucket refills at globalRps per second.
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect((await api('GET', subscriber(iccidFor('active', 0)))).status).toBe(200);
  });

  it('checks globalRps before the route faults, and through PUT /_sim/faults', async () => {
    const admin = adminClient(sim);
    expect(
      (await admin('PUT', '/faults', { globalRps: 1, routes: { getSubscriber: { rps: 100 } } })).status,
    ).toBe(200);
    expect((await api('GET', subscriber(iccidFor('active', 0)))).status).toBe(200);
    expect((await api('GET', subscriber(iccidFor('active', 0)))).status).toBe(429);
    expect((await admin('GET', '/faults')).body).toMatchObject({ globalRps: 1 });
    expect((await admin('PUT', '/faults', { globalRps: 0 })).status).toBe(400);
    expect(() => sim.setFaults({ globalRps: -5 })).toThrow();
  });

  it('adds latency', async () => {
    sim.setFaults({ routes: { getSubscriber: { latencyMs: 120, latencyJitterMs: 20 } } });
    const started = Date.now();
    expect((await api('GET', subscriber(iccidFor('active', 0)))).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(115);
  });

  it('a reset during an injected latency does not strand the request', async () => {
    sim.setFaults({ routes: { getSubscriber: { latencyMs: 80 } } });
    const pending = api('GET', subscriber(iccidFor('active', 0)));
    await new Promise((r) => setTimeout(r, 20));
    await adminClient(sim)('POST', '/reset');
    expect((await pending).status).toBe(200);
  });

  it('loses the activate response after committing the change', async () => {
    const iccid = iccidFor('available', 7);
    await adminClient(sim)('PATCH', '/config', { activationDelayMs: 300 });
    sim.setFaults({ routes: { activate: { loseResponseRate: 1 } } });
    await expect(api('POST', `${subscriber(iccid)}/activate`, { ratePlan: RATE_PLAN })).rejects.toThrow();
    sim.setFaults({});
    // The change was committed: the retry meets the pending transaction, and the SIM activates.
    const retry = await api<Problem>('POST', `${subscriber(iccid)}/activate`, { ratePlan: RATE_PLAN });
    expect(retry.status).toBe(409);
    await waitFor(async () => (await api<Subscriber>('GET', subscriber(iccid))).body.status === 'Active');
    const counters = sim.counters();
    expect(counters.activationsBySim).toEqual({ [iccid]: 1 });
    expect(counters.responses.activate).toEqual({ lost: 1, 409: 1 });
    expect(counters.faultsInjected.loseResponse).toBe(1);
  });

  it('loses the OCS order response after creating the subscription', async () => {
    const msisdn = msisdnFor('active', 1);
    sim.setFaults({ routes: { ocsOrder: { loseResponseRate: 1 } } });
    const body = {
      bind: { msisdn },
      product: { productId: 'IOTC_CAPPED_EU_1GB_30D' },
      payment: { provider: 'Customer' },
      orderType: 'subscribe',
      mvnoRef: MVNO_REF,
      transactionReference: 'lost-1',
    };
    await expect(api('POST', ORDERS, body)).rejects.toThrow();
    sim.setFaults({});
    const inv = await api<Inventory>('GET', `${INVENTORY}?msisdn=${msisdn}`);
    expect(inv.body.productSubscriptions.map((p) => p.transactionReference)).toEqual(['lost-1']);
    expect(sim.counters().subscriptionsBySim).toEqual({ [iccidFor('active', 1)]: 1 });
  });

  it('never loses responses of read routes or failed mutations', async () => {
    sim.setFaults({ routes: { '*': { loseResponseRate: 1 } } });
    expect((await api('GET', subscriber(iccidFor('active', 0)))).status).toBe(200);
    expect(
      (await api('POST', `${subscriber(iccidFor('active', 0))}/activate`, { ratePlan: RATE_PLAN })).status,
    ).toBe(400);
  });

  it('validates fault configuration', async () => {
    const admin = adminClient(sim);
    const bad = await admin<Problem>('PUT', '/faults', { routes: { getSubscriber: { errorRate: 2 } } });
    expect(bad.status).toBe(400);
    expect(bad.body.detail).toContain('routes.getSubscriber.errorRate');
    expect((await admin('PUT', '/faults', { routes: { nope: { errorRate: 1 } } })).status).toBe(400);
    expect((await admin('PUT', '/faults', { routes: { token: { typo: 1 } } })).status).toBe(400);
    expect(() => sim.setFaults({ routes: { getSubscriber: { errorRate: -1 } } })).toThrow();
  });
});
