import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTransatelClient, type TransatelClient } from '#shared/transatel/client.js';
import { TransatelInvalidResponseError } from '#shared/transatel/errors.js';
import { resetDriftReports } from '#shared/transatel/wire.js';
import { json, type ScriptedHandler, startScriptedServer, tokenOk } from '#test/support/scripted-server.js';

/**
 * Transatel's answers in shapes its documentation leaves open: the client takes what it can read, drops
 * what it cannot (with one warning per field), and never turns a 2xx to a write into a refusal.
 */

const ICCID = '8988247000148411086';
const MSISDN = '882470001850263';
const SUBSCRIBER = `/connectivity-management/subscribers/api/subscribers/sim-serial/${ICCID}`;
const ORDER = '/ocs/subscriptions/api/orders/products';
const CATALOG = '/ocs/catalog/api/cos/WW_M2MA_COS_IOT_CONNECT/products';
const SEARCH = '/sim-search/api/sim/search';
const CDR = '/network/usage/api/cdr';

/** What the next request of each route answers; tests set it. */
const answers: Record<string, ScriptedHandler> = {};
const warnings: { message: string; attributes?: Record<string, unknown> }[] = [];
let server: Awaited<ReturnType<typeof startScriptedServer>>;
let client: TransatelClient;

beforeAll(async () => {
  server = await startScriptedServer({
    'POST /authentication/api/token': tokenOk(),
    '*': (req, res) => {
      const handler = answers[`${req.method} ${req.path}`];
      if (handler) return handler(req, res);
      json(res, 404, { title: 'NOT_FOUND', status: 404 });
    },
  });
  client = createTransatelClient({
    baseUrl: server.url,
    mvnoRef: 'M2MA_WW_TSL_TEST',
    cos: 'WW_M2MA_COS_IOT_CONNECT',
    ratePlan: 'M2MA_WW_TSL_IOTCONNECT_CAPPED',
    credentials: async () => ({ clientId: 'id', clientSecret: 'secret' }),
    retry: { baseDelayMs: 1, maxDelayMs: 5 },
    logger: { debug: () => {}, warn: (message, attributes) => warnings.push({ message, attributes }) },
  });
});
afterAll(() => server.close());
beforeEach(() => {
  for (const key of Object.keys(answers)) delete answers[key];
  warnings.length = 0;
  server.requests.length = 0;
  resetDriftReports();
});

const raw =
  (status: number, body: string, contentType = 'application/json'): ScriptedHandler =>
  (_req, res) => {
    res.writeHead(status, body === '' ? {} : { 'content-type': contentType });
    res.end(body);
  };
const ok =
  (body: unknown): ScriptedHandler =>
  (_req, res) =>
    json(res, 200, body);

describe('writes: a 2xx is an acceptance, whatever its body', () => {
  it('activate and OCS order accept any 2xx body, JSON or not, empty or not (property)', async () => {
    const body = fc.oneof(
      fc.constant(''),
      fc.string({ maxLength: 40 }),
      fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.stringify(value)),
      fc
        .record({
          transactionId: fc.oneof(fc.string(), fc.integer(), fc.constant(null)),
          id: fc.oneof(fc.string(), fc.integer(), fc.constant(null)),
          subscriptionId: fc.oneof(fc.string(), fc.constant(null), fc.array(fc.string())),
          transactionStatus: fc.oneof(fc.string(), fc.integer()),
        })
        .map((value) => JSON.stringify(value)),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(200, 201, 202, 204), body, async (status, text) => {
        const sent = status === 204 ? '' : text;
        answers[`POST ${SUBSCRIBER}/activate`] = raw(status, sent);
        answers[`POST ${ORDER}`] = raw(status, sent);
        const transaction = await client.connectivity.activate(ICCID);
        const order = await client.ocsSubscriptions.subscribe({ msisdn: MSISDN, productId: 'P' });
        expect(['PENDING', 'DONE', 'FAILED', 'UNKNOWN']).toContain(transaction.state);
        expect(transaction.transactionId === undefined || typeof transaction.transactionId === 'string').toBe(
          true,
        );
        expect(order.subscriptionId === undefined || typeof order.subscriptionId === 'string').toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  it('an empty 201 reads as accepted with no ids', async () => {
    answers[`POST ${SUBSCRIBER}/activate`] = raw(201, '');
    answers[`POST ${ORDER}`] = raw(201, '');
    expect(await client.connectivity.activate(ICCID)).toEqual({
      transactionId: undefined,
      iccid: undefined,
      state: 'PENDING',
    });
    expect(await client.ocsSubscriptions.subscribe({ msisdn: MSISDN, productId: 'P' })).toEqual({
      orderId: undefined,
      subscriptionId: undefined,
      status: undefined,
      transactionReference: undefined,
    });
  });

  it('an undocumented transaction state is UNKNOWN, reported once', async () => {
    answers[`POST ${SUBSCRIBER}/activate`] = ok({
      transactionId: 't1',
      transactionStatus: 'QUEUED_FOR_LATER',
    });
    expect((await client.connectivity.activate(ICCID)).state).toBe('UNKNOWN');
    expect((await client.connectivity.activate(ICCID)).state).toBe('UNKNOWN');
    expect(warnings.filter((w) => w.attributes?.path === 'transaction.transactionStatus')).toHaveLength(1);
  });
});

describe('reads: only what a flow needs is required', () => {
  it('a subscriber whose optional fields have other shapes is read, each drift warned once', async () => {
    answers[`GET ${SUBSCRIBER}`] = ok({
      simSerial: ICCID,
      status: 'ACTIVE',
      msisdn: `+${MSISDN}`,
      imsi: 208011234567890,
      options: { name: 'DATA', value: 'on' },
      ratePlan: { name: 'X' },
      group: ['a'],
      simType: null,
    });
    const subscriber = await client.connectivity.getSubscriber(ICCID);
    expect(subscriber).toMatchObject({
      iccid: ICCID,
      status: 'Active',
      msisdn: MSISDN,
      imsi: '208011234567890',
      options: [{ name: 'DATA', value: 'on' }],
      ratePlan: undefined,
      group: undefined,
      simType: undefined,
    });
    await client.connectivity.getSubscriber(ICCID);
    const paths = warnings.map((w) => w.attributes?.path);
    expect(paths.filter((path) => path === 'subscriber.ratePlan')).toHaveLength(1);
    expect(paths).toContain('subscriber.group');
  });

  it('a subscriber of any optional shapes parses as long as it has a status (property)', async () => {
    const anything = fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constant(undefined));
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          status: fc.constantFrom('Active', 'PRE_ACTIVATED', 'test mode', 'Something_New'),
          simSerial: anything,
          msisdn: anything,
          imsi: anything,
          options: anything,
          ratePlan: anything,
          group: anything,
          externalReference: anything,
          activationDate: anything,
          simType: anything,
        }),
        async (wire) => {
          answers[`GET ${SUBSCRIBER}`] = ok(wire);
          const subscriber = await client.connectivity.getSubscriber(ICCID);
          expect(subscriber.status).toBeTruthy();
          expect(Array.isArray(subscriber.options)).toBe(true);
        },
      ),
      { numRuns: 80 },
    );
  });

  it('a subscriber without a status is an invalid response: the flow cannot route without it', async () => {
    answers[`GET ${SUBSCRIBER}`] = ok({ simSerial: ICCID });
    await expect(client.connectivity.getSubscriber(ICCID)).rejects.toBeInstanceOf(
      TransatelInvalidResponseError,
    );
  });

  it('the inventory reads a single object as a list of one, statuses in any case, and skips nothing it can show', async () => {
    answers['GET /ocs/inventory/api/subscriptions/products'] = ok({
      productSubscriptions: {
        subscriptionId: 's1',
        status: 'PENDING_FOR_FIRST_USE',
        productDefinition: { productId: 'P1', tags: 'FR' },
        balances: {
          data: [{ resourceUnit: 'KB', resourceValue: 10, resourceStartValue: 20 }, { bad: true }],
        },
      },
    });
    const [product, ...rest] = await client.ocsInventory.listProducts(MSISDN);
    expect(rest).toEqual([]);
    expect(product).toMatchObject({
      subscriptionId: 's1',
      productId: 'P1',
      status: 'pendingForFirstUse',
      tags: ['FR'],
      data: { totalBytes: 20 * 1024, remainingBytes: 10 * 1024, usedBytes: 10 * 1024 },
    });
  });
});

describe('the catalogue', () => {
  const productOf = (id: string) => ({
    productDefinition: { productId: id, tags: ['FR'] },
    prices: { subscriptionFee: [[{ amount: 500, currency: 'EUR', unit: 'CENT' }]] },
  });

  it('follows its next links to the end, and skips a malformed product', async () => {
    answers[`GET ${CATALOG}`] = (req, res) => {
      const page = Number(new URLSearchParams(req.query).get('page') ?? '1');
      const next = page < 3 ? [{ rel: 'next', href: `${CATALOG}?page=${page + 1}` }] : [];
      const products = [productOf(`P${page}a`), productOf(`P${page}b`)];
      if (page === 2) products.push({ productDefinition: { tags: ['FR'] } } as never);
      json(res, 200, { products, links: [{ rel: 'self', href: `${CATALOG}?page=${page}` }, ...next] });
    };
    const products = await client.ocsCatalog.listProducts();
    expect(products.map((p) => p.productId)).toEqual(['P1a', 'P1b', 'P2a', 'P2b', 'P3a', 'P3b']);
    expect(server.requests.filter((r) => r.path === CATALOG)).toHaveLength(3);
    expect(warnings.map((w) => w.attributes?.path)).toContain('catalog.products[]');
  });

  it('never follows a link to another host with its token', async () => {
    answers[`GET ${CATALOG}`] = ok({
      products: [productOf('P1')],
      links: [{ rel: 'next', href: 'https://elsewhere.example/steal' }],
    });
    expect((await client.ocsCatalog.listProducts()).map((p) => p.productId)).toEqual(['P1']);
    expect(server.requests.filter((r) => r.path === CATALOG)).toHaveLength(1);
  });
});

describe('SIM search', () => {
  const fleet = Array.from({ length: 30 }, (_, i) => ({
    simSerial: `89882470000000000${String(i).padStart(2, '0')}`,
    status: i % 2 === 0 ? 'Active' : 'Suspended',
    group: i % 3 === 0 ? 'G' : 'H',
  }));

  /** A SIM Search that honours status and ignores group. */
  const ignoringGroup: ScriptedHandler = (req, res) => {
    const query = new URLSearchParams(req.query);
    const status = query.get('status')?.replace(/^eq:/, '');
    const page = Number(query.get('page') ?? '1');
    const size = Number(query.get('size') ?? '100');
    const hits = fleet.filter((sim) => !status || sim.status === status);
    json(res, 200, {
      sims: hits.slice((page - 1) * size, page * size),
      totalPages: Math.ceil(hits.length / size),
      totalElements: hits.length,
    });
  };

  it('re-checks records against the filters, and applies an ignored one itself over the fleet', async () => {
    answers[`GET ${SEARCH}`] = ignoringGroup;
    const first = await client.simSearch.search({ group: 'G', status: 'Active' }, { page: 1, size: 2 });
    const expected = fleet.filter((sim) => sim.group === 'G' && sim.status === 'Active');
    expect(first.totalElements).toBe(expected.length);
    expect(first.sims.map((sim) => sim.iccid)).toEqual(expected.slice(0, 2).map((sim) => sim.simSerial));
    const second = await client.simSearch.search({ group: 'G', status: 'Active' }, { page: 2, size: 2 });
    expect(second.sims.map((sim) => sim.iccid)).toEqual(expected.slice(2, 4).map((sim) => sim.simSerial));
    // Once seen ignored, the filter is no longer sent: Transatel is not asked for a page it would get wrong.
    const last = server.requests.at(-1);
    expect(new URLSearchParams(last?.query).get('group')).toBeNull();
    expect(new URLSearchParams(last?.query).get('status')).toBe('eq:Active');
  });
});

describe('network usage', () => {
  const DAY = 86_400_000;
  const now = Date.now();
  /** A line with 5 years of sessions, one a day, newest first, served by a Transatel that ignores dates. */
  const history = Array.from({ length: 5 * 366 }, (_, i) => ({
    header: { eventDate: new Date(now - i * DAY).toISOString() },
    body: { dataSession: { originCountry: i % 2 ? 'FR' : 'DE', usage: { total: 1000 } } },
  }));
  const ignoringDates =
    (order: 'newest' | 'oldest'): ScriptedHandler =>
    (req, res) => {
      const query = new URLSearchParams(req.query);
      const page = Number(query.get('page'));
      const size = Number(query.get('size'));
      const all = order === 'newest' ? history : [...history].reverse();
      json(res, 200, {
        content: all.slice(page * size, (page + 1) * size),
        totalPages: Math.ceil(all.length / size),
      });
    };

  it('asks by ICCID for the period and country, and stops once a newest-first answer has passed the period', async () => {
    answers[`GET ${CDR}`] = ignoringDates('newest');
    const to = new Date(now + 1000);
    const from = new Date(now - 30 * DAY + 1000);
    const usage = await client.networkUsage.getUsage({ iccid: ICCID, from, to, country: 'fr' });
    expect(usage).toMatchObject({ sessions: 15, totalBytes: 15_000, complete: true });
    const requests = server.requests.filter((r) => r.path === CDR);
    expect(requests).toHaveLength(1);
    const query = new URLSearchParams(requests[0]?.query);
    expect(query.get('simSerial')).toBe(ICCID);
    expect(query.get('imsi')).toBeNull();
    expect(query.get('originCountry')).toBe('FR');
    expect(query.get('startDate')).toBe(from.toISOString());
  });

  it('is bounded in pages: an oldest-first answer ignoring dates is read up to the bound, flagged incomplete', async () => {
    answers[`GET ${CDR}`] = ignoringDates('oldest');
    const to = new Date(now + 1000);
    const usage = await client.networkUsage.getUsage({
      iccid: ICCID,
      from: new Date(now - 30 * DAY),
      to,
      maxPages: 1,
    });
    expect(usage.complete).toBe(false);
    expect(server.requests.filter((r) => r.path === CDR)).toHaveLength(1);
  });

  it('is bounded in time: past its deadline it answers with what it read', async () => {
    answers[`GET ${CDR}`] = ignoringDates('oldest');
    const usage = await client.networkUsage.getUsage({
      iccid: ICCID,
      from: new Date(now - 30 * DAY),
      to: new Date(now),
      deadline: Date.now() - 1,
    });
    expect(usage).toMatchObject({ complete: false, sessions: 0 });
  });
});
