import { createHmac, timingSafeEqual } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  iccidFor,
  imsiFor,
  msisdnFor,
  type RunningSimulator,
  type SimulatorVariant,
} from '#local/simulator/index.js';
import {
  type ApiResponse,
  adminClient,
  apiClient,
  CATALOG,
  CM,
  getToken,
  INVENTORY,
  MVNO_REF,
  ORDERS,
  type Problem,
  RATE_PLAN,
  type Receiver,
  startReceiver,
  startTestSim,
  verifySignature,
  waitFor,
} from './helpers.js';

type Json = Record<string, unknown>;

const CDR = '/network/usage/api/cdr';
const SEARCH = '/sim-search/api/sim/search';
const ESIM = '/sim-management/sims/api/esims/sim-serial';
const SECRET = 'variant-secret';

const subscriberPath = (iccid: string) => `${CM}/subscribers/sim-serial/${iccid}`;

const order = (msisdn: string, productId: string, orderType: string, transactionReference?: string) => ({
  bind: { msisdn },
  product: { productId },
  payment: { provider: 'Customer' },
  orderType,
  mvnoRef: MVNO_REF,
  source: 'api',
  ...(transactionReference ? { transactionReference } : {}),
});

interface CatalogPage {
  products: { productDefinition: { productId: string } }[];
  links: { rel: string; href: string }[];
}

const keys = (value: unknown) => Object.keys(value as Json).sort();

interface Setup {
  sim: RunningSimulator;
  receiver: Receiver;
  api: ReturnType<typeof apiClient>;
  admin: ReturnType<typeof adminClient>;
}

/** A simulator of that variant whose events go to a receiver with SECRET. */
function variantSuite(variant: SimulatorVariant, activationDelayMs = 30): Setup {
  const setup = {} as Setup;
  beforeAll(async () => {
    setup.receiver = await startReceiver(SECRET);
    setup.sim = await startTestSim({
      variant,
      activationDelayMs,
      webhooks: { targets: [{ url: setup.receiver.url, secret: SECRET }] },
    });
    setup.api = apiClient(setup.sim, await getToken(setup.sim));
    setup.admin = adminClient(setup.sim);
  });
  afterAll(async () => {
    await setup.sim.close();
    await setup.receiver.close();
  });
  beforeEach(() => {
    setup.sim.reset();
    setup.receiver.received.length = 0;
  });
  return setup;
}

/** Waits for one event of that type about that ICCID (subscriber events say simSerial, OCS ones iccid). */
function eventFor(receiver: Receiver, type: string, iccid: string) {
  return waitFor(() =>
    receiver.ofType(type).find((r) => r.event.body.simSerial === iccid || r.event.body.iccid === iccid),
  );
}

describe('documented variant (the default)', () => {
  const s = variantSuite('documented');

  it('health and config name the variant', async () => {
    const health = await s.admin('GET', '/health');
    expect(health.body).toEqual({ ok: true });
    expect(health.headers.get('x-sim-variant')).toBe('documented');
    expect((await s.admin('GET', '/config')).body).toMatchObject({
      variant: 'documented',
      testModePlans: 'accept',
    });
  });

  it('answers the whole catalog on one page without links, and honours page and size if given', async () => {
    const all = await s.api<{ products: Json[]; links?: unknown }>(
      'GET',
      `${CATALOG}?availabilityStatus=AVAILABLE`,
    );
    expect(all.body.products).toHaveLength(16);
    expect(all.body.links).toBeUndefined();
    const second = await s.api<{ products: { productDefinition: { productId: string } }[]; links?: unknown }>(
      'GET',
      `${CATALOG}?availabilityStatus=AVAILABLE&page=2&size=10`,
    );
    expect(second.body.links).toBeUndefined();
    expect(second.body.products).toEqual(all.body.products.slice(10));
    expect((await s.api('GET', `${CATALOG}?page=0`)).status).toBe(400);
    expect((await s.api('GET', `${CATALOG}?size=1001`)).status).toBe(400);
  });

  it('signs with the sha256= prefix', async () => {
    await s.admin('POST', '/webhooks/test', { eventType: 'NETWORK/SMS/RECEIVED', body: {} });
    const got = await waitFor(() => s.receiver.received[0]);
    expect(verifySignature(SECRET, got.raw, got.headers['x-tsl-signature-256'])).toBe(true);
  });
});

describe('sparse variant', () => {
  const s = variantSuite('sparse');

  it('health names the variant', async () => {
    const health = await s.admin('GET', '/health');
    expect(health.body).toEqual({ ok: true, variant: 'sparse' });
    expect(health.headers.get('x-sim-variant')).toBe('sparse');
  });

  it('GET subscriber: only simSerial, msisdn (when it has one) and status', async () => {
    const active = await s.api('GET', subscriberPath(iccidFor('active', 0)));
    expect(active.body).toEqual({
      simSerial: iccidFor('active', 0),
      msisdn: msisdnFor('active', 0),
      status: 'Active',
    });
    const available = await s.api('GET', subscriberPath(iccidFor('available', 0)));
    expect(available.body).toEqual({ simSerial: iccidFor('available', 0), status: 'Available' });
  });

  it('SIM search records: only simSerial, msisdn and status; filters still honoured', async () => {
    const res = await s.api<{ sims: Json[]; totalElements: number }>('GET', `${SEARCH}?status=eq:Active`);
    expect(res.body.totalElements).toBe(16);
    for (const record of res.body.sims) {
      expect(keys(record)).toEqual(['msisdn', 'simSerial', 'status']);
      expect(record.status).toBe('Active');
    }
    const fleet = await s.api<{ totalElements: number }>(
      'GET',
      `${SEARCH}?status=eq:Active&group=eq:FLEET_A`,
    );
    expect(fleet.body.totalElements).toBe(8);
    const esims = await s.api<{ totalElements: number }>('GET', `${SEARCH}?status=eq:Active&simType=eq:esim`);
    expect(esims.body.totalElements).toBe(6);
    expect((await s.api('GET', `${SEARCH}?colour=eq:blue`)).status).toBe(400);
  });

  it('OCS order and activate answer 201 with an empty body; other writes are unchanged', async () => {
    const iccid = iccidFor('available', 0);
    const activate = await fetch(`${s.sim.url}${subscriberPath(iccid)}/activate`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${await getToken(s.sim)}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ ratePlan: RATE_PLAN }),
    });
    expect(activate.status).toBe(201);
    expect(activate.headers.get('content-type')).toBeNull();
    expect(activate.headers.get('content-length')).toBe('0');
    expect((await activate.arrayBuffer()).byteLength).toBe(0);
    await waitFor(async () => (await s.api('GET', subscriberPath(iccid))).body.status === 'Active');

    const res = await fetch(`${s.sim.url}${ORDERS}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${await getToken(s.sim)}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(order(msisdnFor('available', 0), 'IOTC_CAPPED_EU_1GB_1M', 'subscribe', 'ref-1')),
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('content-type')).toBeNull();
    expect(res.headers.get('content-length')).toBe('0');
    expect(await res.text()).toBe('');
    const inventory = await s.api<{ productSubscriptions: Json[] }>(
      'GET',
      `${INVENTORY}?msisdn=${msisdnFor('available', 0)}`,
    );
    expect(inventory.body.productSubscriptions).toHaveLength(1);

    const suspend = await s.api('POST', `${subscriberPath(iccid)}/suspend`, { ratePlan: RATE_PLAN });
    expect(suspend.status).toBe(201);
    expect(suspend.body).toMatchObject({ simSerial: iccid, transactionStatus: 'PENDING' });
  });

  it('OCS inventory: no transactionReference, no subscriptionDate (list and single)', async () => {
    const list = await s.api<{ currentLocale: string; productSubscriptions: Json[] }>(
      'GET',
      `${INVENTORY}?msisdn=${msisdnFor('active', 0)}&withBalances=true`,
    );
    expect(list.body.currentLocale).toBe('en_US');
    const item = list.body.productSubscriptions[0] as Json;
    expect(item).toMatchObject({ status: 'active', productDefinition: { productId: expect.any(String) } });
    expect(item.balances).toBeDefined();
    expect(item.activationDate).toBeDefined();
    expect(item.transactionReference).toBeUndefined();
    expect(item.subscriptionDate).toBeUndefined();
    const single = await s.api<Json>('GET', `${INVENTORY}/${item.subscriptionId}?withBalances=true`);
    expect(single.body).toEqual(item);
  });

  it('events: subscriber events carry simSerial, status, source; OCS ones no productId nor status', async () => {
    const iccid = iccidFor('available', 1);
    await s.api('POST', `${subscriberPath(iccid)}/activate`, {
      ratePlan: RATE_PLAN,
      externalReference: 'dev-1',
      group: 'G',
    });
    const activated = await eventFor(s.receiver, 'CONNECTIVITY-MANAGEMENT/SUBSCRIBER/ACTIVATED', iccid);
    expect(activated.event.body).toEqual({ simSerial: iccid, status: 'Active', source: 'api' });

    const msisdn = msisdnFor('available', 1);
    expect(
      (await s.api('POST', ORDERS, order(msisdn, 'IOTC_CAPPED_FR_100MB_7D', 'subscribe', 'ord-7'))).status,
    ).toBe(201);
    const product = await eventFor(s.receiver, 'OCS/PRODUCT/ACTIVATED', iccid);
    const ps = product.event.body.productSubscription as Json;
    expect(product.event.body).toMatchObject({ iccid, msisdn, externalReference: 'ord-7' });
    expect(keys(ps)).toEqual(['activationDate', 'expirationDate', 'subscriptionDate', 'subscriptionId']);

    await s.admin('POST', '/usage', { iccid, bytes: 90 * 1024 * 1024 });
    const threshold = await eventFor(s.receiver, 'OCS/RESOURCE/THRESHOLD', iccid);
    const tps = threshold.event.body.productSubscription as Json;
    expect(tps.subscriptionId).toBe(ps.subscriptionId);
    expect(tps.productId).toBeUndefined();
    expect(tps.status).toBeUndefined();
    expect(threshold.event.body.resource).toMatchObject({ thresholdPercent: 80 });
  });

  it('eSIM details: only simSerial, status and activationCode', async () => {
    for (const iccid of [iccidFor('available-esim', 0), iccidFor('active-esim', 0)]) {
      const res = await s.api('GET', `${ESIM}/${iccid}?history=true`);
      expect(keys(res.body)).toEqual(['activationCode', 'simSerial', 'status']);
    }
  });

  it('catalog products: availability, prices.subscriptionFee and the core of productDefinition', async () => {
    const list = await s.api<{ products: Json[] }>('GET', CATALOG);
    expect(list.body.products).toHaveLength(17);
    const single = await s.api<Json>(
      'GET',
      `${CATALOG}/IOTC_CAPPED_EU_1GB_1M?msisdn=${msisdnFor('active', 0)}`,
    );
    for (const product of [...list.body.products, single.body]) {
      expect(keys(product)).toEqual(['availability', 'prices', 'productDefinition']);
      expect(keys(product.prices)).toEqual(['subscriptionFee']);
      expect(keys(product.productDefinition)).toEqual(
        ['allowances', 'productCategory', 'productId', 'tags', 'unlimited', 'validityPeriod'].sort(),
      );
    }
  });

  it('CDRs: dataSession has only originCountry and usage.total', async () => {
    const page = await s.api<{ content: { header: Json; body: { dataSession: Json } }[] }>(
      'GET',
      `${CDR}?imsi=${imsiFor('active', 0)}`,
    );
    expect(page.body.content.length).toBeGreaterThan(0);
    for (const cdr of page.body.content) {
      expect(keys(cdr.header)).toEqual(['eventDate', 'eventType']);
      expect(keys(cdr.body.dataSession)).toEqual(['originCountry', 'usage']);
      expect(keys(cdr.body.dataSession.usage)).toEqual(['total']);
    }
  });
});

describe('alternate variant', () => {
  const s = variantSuite('alternate');

  it('signs webhooks with the bare lowercase hex digest', async () => {
    await s.admin('POST', '/webhooks/test', { eventType: 'NETWORK/SMS/RECEIVED', body: { n: 1 } });
    const got = await waitFor(() => s.receiver.received[0]);
    const header = got.headers['x-tsl-signature-256'];
    expect(header).toMatch(/^[0-9a-f]{64}$/);
    const expected = Buffer.from(createHmac('sha256', SECRET).update(got.raw).digest('hex'));
    expect(timingSafeEqual(expected, Buffer.from(String(header)))).toBe(true);
    expect(verifySignature(SECRET, got.raw, header)).toBe(false);
  });

  it('UPPER_SNAKE subscriber statuses on GET subscriber and SIM search', async () => {
    const expected: [string, string][] = [
      [iccidFor('available', 0), 'AVAILABLE'],
      [iccidFor('preactivated', 0), 'PRE_ACTIVATED'],
      [iccidFor('active', 0), 'ACTIVE'],
      [iccidFor('suspended', 0), 'SUSPENDED'],
      [iccidFor('terminated', 0), 'TERMINATED'],
    ];
    for (const [iccid, status] of expected) {
      expect((await s.api('GET', subscriberPath(iccid))).body.status).toBe(status);
      const search = await s.api<{ sims: Json[] }>('GET', `${SEARCH}?simSerial=eq:${iccid}`);
      expect(search.body.sims[0]?.status).toBe(status);
    }
    // The status filter matches whatever case the client sends.
    const counts = new Set<number>();
    for (const status of ['Pre-Activated', 'PRE_ACTIVATED', 'pre-activated', 'PREACTIVATED']) {
      const res = await s.api<{ totalElements: number; sims: Json[] }>(
        'GET',
        `${SEARCH}?status=eq:${status}&size=1000`,
      );
      expect(res.body.sims.every((r) => r.status === 'PRE_ACTIVATED')).toBe(true);
      counts.add(res.body.totalElements);
    }
    expect([...counts]).toEqual([15]);
  });

  it('every write answers 200; transactionStatus lowercase; events UPPER_SNAKE', async () => {
    const iccid = iccidFor('available', 2);
    const activate = await s.api('POST', `${subscriberPath(iccid)}/activate`, { ratePlan: RATE_PLAN });
    expect(activate.status).toBe(200);
    expect(activate.body).toMatchObject({ simSerial: iccid, transactionStatus: 'pending' });
    const txn = `${CM}/transactions/${activate.body.transactionId}`;
    await waitFor(async () => (await s.api('GET', txn)).body.transactionStatus === 'done');
    const activated = await eventFor(s.receiver, 'CONNECTIVITY-MANAGEMENT/SUBSCRIBER/ACTIVATED', iccid);
    expect(activated.event.body.status).toBe('ACTIVE');

    const ordered = await s.api(
      'POST',
      ORDERS,
      order(msisdnFor('available', 2), 'IOTC_CAPPED_EU_1GB_1M', 'subscribe'),
    );
    expect(ordered.status).toBe(200);
    expect(ordered.body).toMatchObject({ status: 'done', subscriptionId: expect.any(String) });
    const product = await eventFor(s.receiver, 'OCS/PRODUCT/ACTIVATED', iccid);
    expect(product.event.body.productSubscription).toMatchObject({ status: 'ACTIVE' });

    for (const [verb, status] of [
      ['modify', 'ACTIVE'],
      ['suspend', 'SUSPENDED'],
      ['reactivate', 'ACTIVE'],
      ['terminate', 'TERMINATED'],
    ] as const) {
      const res = await s.api('POST', `${subscriberPath(iccid)}/${verb}`, { ratePlan: RATE_PLAN });
      expect(res.status, verb).toBe(200);
      expect(res.body.transactionStatus).toBe('pending');
      await waitFor(
        async () =>
          (await s.api('GET', `${CM}/transactions/${res.body.transactionId}`)).body.transactionStatus ===
          'done',
      );
      expect((await s.api('GET', subscriberPath(iccid))).body.status).toBe(status);
    }
    const terminated = await eventFor(s.receiver, 'CONNECTIVITY-MANAGEMENT/SUBSCRIBER/TERMINATED', iccid);
    expect(terminated.event.body.status).toBe('TERMINATED');

    // A failed transaction reads 'failed'.
    const other = iccidFor('available', 3);
    await s.admin('POST', `/sims/${other}/fail-next-transaction`);
    const failing = await s.api('POST', `${subscriberPath(other)}/activate`, { ratePlan: RATE_PLAN });
    await waitFor(
      async () =>
        (await s.api('GET', `${CM}/transactions/${failing.body.transactionId}`)).body.transactionStatus ===
        'failed',
    );
  });

  it('inventory: UPPER_SNAKE statuses, one product as an object, a single product wrapped', async () => {
    const msisdn = msisdnFor('active', 0);
    const one = await s.api<{ currentLocale: string; productSubscriptions: Json }>(
      'GET',
      `${INVENTORY}?msisdn=${msisdn}&withBalances=true`,
    );
    expect(Array.isArray(one.body.productSubscriptions)).toBe(false);
    expect(one.body.productSubscriptions).toMatchObject({
      status: 'ACTIVE',
      subscriptionId: expect.any(String),
    });
    const subscriptionId = one.body.productSubscriptions.subscriptionId as string;

    const single = await s.api('GET', `${INVENTORY}/${subscriptionId}?withBalances=true`);
    expect(single.body).toEqual({
      currentLocale: 'en_US',
      productSubscriptions: [one.body.productSubscriptions],
    });

    await s.api('POST', ORDERS, order(msisdn, 'IOTC_CAPPED_EU_1GB_30D', 'subscribe'));
    const two = await s.api<{ productSubscriptions: Json[] }>('GET', `${INVENTORY}?msisdn=${msisdn}`);
    expect(Array.isArray(two.body.productSubscriptions)).toBe(true);
    expect(two.body.productSubscriptions).toHaveLength(2);

    const none = await s.api<{ productSubscriptions: Json[] }>(
      'GET',
      `${INVENTORY}?msisdn=${msisdnFor('active', 1)}`,
    );
    expect(none.body.productSubscriptions).toEqual([]);

    // A preload waits for first use; an expired product says so in capitals too.
    const pre = msisdnFor('preactivated', 0);
    await s.api('POST', ORDERS, order(pre, 'IOTC_CAPPED_EU_1GB_1M', 'preload'));
    const preloaded = await s.api<{ productSubscriptions: Json }>('GET', `${INVENTORY}?msisdn=${pre}`);
    expect(preloaded.body.productSubscriptions.status).toBe('PENDING_FOR_FIRST_USE');
    const preloadEvent = await eventFor(s.receiver, 'OCS/PRODUCT/PRELOADED', iccidFor('preactivated', 0));
    expect(preloadEvent.event.body.productSubscription).toMatchObject({ status: 'PENDING_FOR_FIRST_USE' });

    expect((await s.admin('POST', `/products/${subscriptionId}/expire`)).status).toBe(200);
    const expired = await s.api<{ productSubscriptions: Json[] }>('GET', `${INVENTORY}/${subscriptionId}`);
    expect(expired.body.productSubscriptions[0]?.status).toBe('EXPIRED');
    const expiredEvent = await eventFor(s.receiver, 'OCS/PRODUCT/EXPIRED', iccidFor('active', 0));
    expect(expiredEvent.event.body.productSubscription).toMatchObject({ status: 'EXPIRED' });
  });

  it('bad client credentials: 400 invalid_client', async () => {
    const res = await fetch(`${s.sim.url}/authentication/api/token`, {
      method: 'POST',
      headers: {
        Authorization: `Basic ${Buffer.from('local-client:wrong').toString('base64')}`,
        'Content-Type': 'application/x-www-form-urlencoded',
      },
      body: 'grant_type=client_credentials',
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('www-authenticate')).toBeNull();
    const body = (await res.json()) as Json;
    expect(body).toEqual({ error: 'invalid_client', error_description: expect.any(String) });
    expect(await getToken(s.sim)).toEqual(expect.any(String));
  });

  it('catalog in pages of 5 with links; following next gives every product exactly once', async () => {
    const all = s.sim.core.catalog.filter((p) => p.available).map((p) => p.productId);
    let href: string | undefined = `${CATALOG}?availabilityStatus=AVAILABLE`;
    const seen: string[] = [];
    const pages: CatalogPage[] = [];
    while (href) {
      const res: ApiResponse<CatalogPage> = await s.api<CatalogPage>('GET', href);
      expect(res.status).toBe(200);
      pages.push(res.body);
      seen.push(...res.body.products.map((p) => p.productDefinition.productId));
      href = res.body.links.find((l) => l.rel === 'next')?.href;
    }
    expect(pages.map((p) => p.products.length)).toEqual([5, 5, 5, 1]);
    expect(seen).toEqual(all);
    expect(pages[0]?.links).toEqual([
      { rel: 'self', href: `${CATALOG}?availabilityStatus=AVAILABLE&page=1&size=5` },
      { rel: 'next', href: `${CATALOG}?availabilityStatus=AVAILABLE&page=2&size=5` },
    ]);
    expect(pages[3]?.links).toEqual([
      { rel: 'self', href: `${CATALOG}?availabilityStatus=AVAILABLE&page=4&size=5` },
    ]);

    // Filters stay in the links; an explicit size is honoured.
    const oneOff = await s.api<CatalogPage>('GET', `${CATALOG}?categories=One-off&size=4&page=1`);
    expect(oneOff.body.products).toHaveLength(4);
    expect(oneOff.body.links[1]).toEqual({
      rel: 'next',
      href: `${CATALOG}?categories=One-off&page=2&size=4`,
    });
    const beyond = await s.api<CatalogPage>('GET', `${CATALOG}?page=9`);
    expect(beyond.body.products).toEqual([]);
    expect(beyond.body.links).toEqual([{ rel: 'self', href: `${CATALOG}?page=9&size=5` }]);
  });

  it('catalog single product wrapped in { cos, currentLocale, products: [item] }', async () => {
    const res = await s.api<{ cos: string; currentLocale: string; products: Json[] }>(
      'GET',
      `${CATALOG}/IOTC_CAPPED_EU_1GB_1M?msisdn=${msisdnFor('active', 0)}`,
    );
    expect(keys(res.body)).toEqual(['cos', 'currentLocale', 'products']);
    expect(res.body.cos).toBe('WW_M2MA_COS_IOT_CONNECT');
    expect(res.body.products).toHaveLength(1);
    expect(res.body.products[0]).toMatchObject({
      canSubscribe: { allowed: true },
      productDefinition: { productId: 'IOTC_CAPPED_EU_1GB_1M' },
    });
  });

  it('SIM search ignores group, externalReference, simType and unknown filters', async () => {
    const base = await s.api<{ totalElements: number }>('GET', `${SEARCH}?status=eq:Active`);
    for (const extra of [
      'group=eq:NOPE',
      'externalReference=eq:nope',
      'simType=eq:physical',
      'colour=eq:blue',
    ]) {
      const res = await s.api<{ totalElements: number }>('GET', `${SEARCH}?status=eq:Active&${extra}`);
      expect(res.status, extra).toBe(200);
      expect(res.body.totalElements, extra).toBe(base.body.totalElements);
    }
    expect(
      (await s.api<{ totalElements: number }>('GET', `${SEARCH}?msisdn=eq:%2B${msisdnFor('active', 0)}`)).body
        .totalElements,
    ).toBe(1);
  });

  it('CDRs: date and country filters ignored, newest first', async () => {
    const path = `${CDR}?imsi=${imsiFor('active', 0)}&size=1000`;
    const all = await s.api<{ totalElements: number; content: { header: { eventDate: string } }[] }>(
      'GET',
      path,
    );
    const filtered = await s.api<typeof all.body>(
      'GET',
      `${path}&startDate=2000-01-01T00:00:00Z&endDate=2000-01-02T00:00:00Z&originCountry=JP`,
    );
    expect(filtered.body).toEqual(all.body);
    const dates = all.body.content.map((c) => c.header.eventDate);
    expect(dates).toEqual([...dates].sort().reverse());
  });
});

describe('test-mode variant', () => {
  const s = variantSuite('test-mode');
  const refusal = 'Order failed - Subscriber is in TestMode: plans can be added once it is Active';

  async function activateToTestMode(index: number): Promise<string> {
    const iccid = iccidFor('available', index);
    const res = await s.api('POST', `${subscriberPath(iccid)}/activate`, {
      ratePlan: RATE_PLAN,
      externalReference: `dev-${index}`,
    });
    expect(res.status).toBe(201);
    await waitFor(async () => (await s.api('GET', subscriberPath(iccid))).body.status === 'TestMode');
    return iccid;
  }

  it('an activation completes to TestMode with an MSISDN, a date and an ACTIVATED event', async () => {
    const iccid = await activateToTestMode(0);
    const subscriber = await s.api('GET', subscriberPath(iccid));
    expect(subscriber.body).toMatchObject({
      status: 'TestMode',
      msisdn: msisdnFor('available', 0),
      activationDate: expect.any(String),
      externalReference: 'dev-0',
    });
    const event = await eventFor(s.receiver, 'CONNECTIVITY-MANAGEMENT/SUBSCRIBER/ACTIVATED', iccid);
    expect(event.event.body).toMatchObject({
      simSerial: iccid,
      status: 'TestMode',
      msisdn: msisdnFor('available', 0),
      transactionId: expect.any(String),
    });
    const search = await s.api<{ sims: Json[]; totalElements: number }>(
      'GET',
      `${SEARCH}?status=eq:TestMode`,
    );
    expect(search.body.totalElements).toBe(1);
    expect(search.body.sims[0]).toMatchObject({ simSerial: iccid, status: 'TestMode' });
    expect((await s.admin('GET', '/health')).body).toEqual({ ok: true, variant: 'test-mode' });
  });

  it('OCS subscribe on TestMode: accepted by default, refused when testModePlans is refuse', async () => {
    const iccid = await activateToTestMode(1);
    const msisdn = msisdnFor('available', 1);
    const eligibility = () =>
      s.api<{ canSubscribe: Json }>('GET', `${CATALOG}/IOTC_CAPPED_EU_1GB_1M?msisdn=${msisdn}`);

    expect((await eligibility()).body.canSubscribe).toEqual({
      allowed: true,
      errorKey: null,
      errorMessage: null,
    });
    expect((await s.api('POST', ORDERS, order(msisdn, 'IOTC_CAPPED_EU_1GB_1M', 'subscribe'))).status).toBe(
      201,
    );
    await eventFor(s.receiver, 'OCS/PRODUCT/ACTIVATED', iccid);

    const config = await s.admin('PATCH', '/config', { testModePlans: 'refuse' });
    expect(config.body).toMatchObject({ testModePlans: 'refuse', variant: 'test-mode' });
    expect((await s.admin('GET', '/config')).body.testModePlans).toBe('refuse');
    const refused = await s.api<Problem>(
      'POST',
      ORDERS,
      order(msisdn, 'IOTC_CAPPED_EU_1GB_30D', 'subscribe'),
    );
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ title: 'PRODUCT_NOT_ELIGIBLE', detail: refusal });
    expect((await eligibility()).body.canSubscribe).toEqual({
      allowed: false,
      errorKey: 'PRODUCT_NOT_ELIGIBLE',
      errorMessage: refusal,
    });
    // Active subscribers are not concerned.
    expect(
      (await s.api('POST', ORDERS, order(msisdnFor('active', 1), 'IOTC_CAPPED_EU_1GB_30D', 'subscribe')))
        .status,
    ).toBe(201);

    expect((await s.admin('PATCH', '/config', { testModePlans: 'sometimes' })).status).toBe(400);
    await s.admin('PATCH', '/config', { testModePlans: 'accept' });
    expect((await s.api('POST', ORDERS, order(msisdn, 'IOTC_CAPPED_EU_1GB_30D', 'subscribe'))).status).toBe(
      201,
    );

    await s.admin('PATCH', '/config', { testModePlans: 'refuse' });
    await s.admin('POST', '/reset');
    expect((await s.admin('GET', '/config')).body.testModePlans).toBe('accept');
  });

  it('preload is refused on TestMode as on Active', async () => {
    await activateToTestMode(2);
    const res = await s.api<Problem>(
      'POST',
      ORDERS,
      order(msisdnFor('available', 2), 'IOTC_CAPPED_EU_1GB_1M', 'preload'),
    );
    expect(res.status).toBe(400);
    expect(res.body.title).toBe('PRODUCT_NOT_ELIGIBLE');
  });

  it('modify, suspend and terminate are allowed on TestMode', async () => {
    const first = await activateToTestMode(3);
    const modify = await s.api('POST', `${subscriberPath(first)}/modify`, {
      ratePlan: RATE_PLAN,
      group: 'TM',
    });
    expect(modify.status).toBe(201);
    await waitFor(async () => (await s.api('GET', subscriberPath(first))).body.group === 'TM');
    expect((await s.api('GET', subscriberPath(first))).body.status).toBe('TestMode');
    expect((await s.api('POST', `${subscriberPath(first)}/suspend`, { ratePlan: RATE_PLAN })).status).toBe(
      201,
    );
    await waitFor(async () => (await s.api('GET', subscriberPath(first))).body.status === 'Suspended');

    const second = await activateToTestMode(4);
    expect((await s.api('POST', `${subscriberPath(second)}/terminate`, { ratePlan: RATE_PLAN })).status).toBe(
      201,
    );
    await waitFor(async () => (await s.api('GET', subscriberPath(second))).body.status === 'Terminated');
  });
});
