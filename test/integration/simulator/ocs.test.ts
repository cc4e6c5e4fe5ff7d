import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { iccidFor, msisdnFor, type RunningSimulator } from '#local/simulator/index.js';
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
  type Problem,
  type ProductSubscriptionBody,
  type Receiver,
  type Subscriber,
  startReceiver,
  startTestSim,
  waitFor,
} from './helpers.js';

const order = (
  msisdn: string,
  productId: string,
  orderType: string,
  extra: Record<string, unknown> = {},
) => ({
  bind: { msisdn },
  product: { productId },
  payment: { provider: 'Customer' },
  orderType,
  mvnoRef: MVNO_REF,
  source: 'api',
  ...extra,
});

interface ProductDetails {
  canSubscribe: { allowed: boolean; errorKey: string | null; errorMessage: string | null };
  availability: { available: boolean };
  prices: { subscriptionFee: { amount: number; currency: string; unit: string }[][] };
  productDefinition: {
    productId: string;
    productCategory: string;
    tags: string[];
    countryList: string[];
    allowances: { data?: { value: number; unit: string } };
    unlimited: boolean;
  };
}

describe('simulator OCS orders and inventory', () => {
  let sim: RunningSimulator;
  let receiver: Receiver;
  let api: ReturnType<typeof apiClient>;

  beforeAll(async () => {
    receiver = await startReceiver();
    sim = await startTestSim({
      activationDelayMs: 150,
      webhooks: { targets: [{ url: receiver.url, secret: receiver.secret }] },
    });
    api = apiClient(sim, await getToken(sim));
  });
  beforeEach(() => {
    sim.reset();
    receiver.received.length = 0;
  });
  afterAll(async () => {
    await sim.close();
    await receiver.close();
  });

  it('subscribe on an Active SIM: 201 done, product active now, OCS/PRODUCT/ACTIVATED just after', async () => {
    const msisdn = msisdnFor('active', 1);
    const res = await api<OrderBody>(
      'POST',
      ORDERS,
      order(msisdn, 'IOTC_CAPPED_EU_1GB_30D', 'subscribe', { transactionReference: 'tx-1' }),
    );
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      id: expect.any(String),
      orderReference: expect.any(String),
      status: 'done',
      submissionDate: expect.any(String),
      bind: { msisdn },
      source: 'api',
      mvnoRef: MVNO_REF,
      subscriptionId: expect.any(String),
      transactionReference: 'tx-1',
    });
    const inv = await api<Inventory>('GET', `${INVENTORY}?msisdn=${msisdn}&withBalances=true`);
    expect(inv.status).toBe(200);
    expect(inv.body.productSubscriptions).toHaveLength(1);
    const product = inv.body.productSubscriptions[0];
    expect(product).toMatchObject({
      subscriptionId: res.body.subscriptionId,
      status: 'active',
      transactionReference: 'tx-1',
      productDefinition: { productId: 'IOTC_CAPPED_EU_1GB_30D', productCategory: 'One-off' },
      balances: { data: [{ resourceUnit: 'KB', resourceValue: 1048576, resourceStartValue: 1048576 }] },
    });
    expect(product?.activationDate).toBeDefined();
    expect(product?.expirationDate).toBeDefined();

    const [event] = await waitFor(() => {
      const e = receiver.ofType('OCS/PRODUCT/ACTIVATED');
      return e.length ? e : undefined;
    });
    expect(event?.event.body).toMatchObject({
      mvnoRef: MVNO_REF,
      cos: 'WW_M2MA_COS_IOT_CONNECT',
      msisdn,
      iccid: iccidFor('active', 1),
      externalReference: 'tx-1',
      productSubscription: {
        subscriptionId: res.body.subscriptionId,
        productId: 'IOTC_CAPPED_EU_1GB_30D',
        status: 'active',
      },
    });
    expect(sim.counters()).toMatchObject({
      ocsOrders: { [iccidFor('active', 1)]: 1 },
      subscriptionsBySim: { [iccidFor('active', 1)]: 1 },
    });
  });

  it('preload on a Pre-activated SIM: PRELOADED, then system activation and ACTIVATED events', async () => {
    const iccid = iccidFor('preactivated', 2);
    const msisdn = msisdnFor('preactivated', 2);
    const res = await api<OrderBody>(
      'POST',
      ORDERS,
      order(msisdn, 'IOTC_CAPPED_EU_1GB_1M', 'preload', { transactionReference: 'pre-1' }),
    );
    expect(res.status).toBe(201);
    const inv = await api<Inventory>('GET', `${INVENTORY}?msisdn=${msisdn}`);
    expect(inv.body.productSubscriptions[0]).toMatchObject({ status: 'pendingForFirstUse' });
    expect(inv.body.productSubscriptions[0]?.balances).toBeUndefined();

    await waitFor(() => receiver.ofType('OCS/PRODUCT/ACTIVATED').length > 0);
    expect(receiver.ofType('OCS/PRODUCT/PRELOADED')[0]?.event.body).toMatchObject({
      iccid,
      externalReference: 'pre-1',
      productSubscription: { subscriptionId: res.body.subscriptionId, status: 'pendingForFirstUse' },
    });
    const cm = receiver.ofType('CONNECTIVITY-MANAGEMENT/SUBSCRIBER/ACTIVATED')[0]?.event.body;
    expect(cm).toMatchObject({ simSerial: iccid, msisdn, status: 'Active', source: 'system' });
    expect(cm).not.toHaveProperty('transactionId');
    expect(receiver.ofType('OCS/PRODUCT/ACTIVATED')[0]?.event.body).toMatchObject({
      productSubscription: { subscriptionId: res.body.subscriptionId, status: 'active' },
    });
    expect((await api<Subscriber>('GET', `${CM}/subscribers/sim-serial/${iccid}`)).body.status).toBe(
      'Active',
    );
    const after = await api<Inventory>('GET', `${INVENTORY}?msisdn=${msisdn}&statuses=active`);
    expect(after.body.productSubscriptions).toHaveLength(1);
  });

  it('does not deduplicate on transactionReference', async () => {
    const body = order(msisdnFor('active', 3), 'IOTC_CAPPED_FR_100MB_7D', 'subscribe', {
      transactionReference: 'same',
    });
    const a = await api<OrderBody>('POST', ORDERS, body);
    const b = await api<OrderBody>('POST', ORDERS, body);
    expect(a.status).toBe(201);
    expect(b.status).toBe(201);
    expect(a.body.subscriptionId).not.toBe(b.body.subscriptionId);
    expect(sim.counters().subscriptionsBySim[iccidFor('active', 3)]).toBe(2);
  });

  it('answers every documented order error', async () => {
    const active = msisdnFor('active', 1);
    const cases: [unknown, number, string, string?][] = [
      [order(`+${active}`, 'IOTC_CAPPED_EU_1GB_30D', 'subscribe'), 400, 'BAD_REQUEST', 'bind.msisdn'],
      [
        order('882479999999999', 'IOTC_CAPPED_EU_1GB_30D', 'subscribe'),
        400,
        'SUBSCRIBER_NOT_FOUND',
        'Order failed - Subscriber is unknown',
      ],
      [order(active, 'NO_SUCH_PRODUCT', 'subscribe'), 400, 'PRODUCT_NOT_FOUND'],
      [
        order(active, 'IOTC_CAPPED_EU_1GB_30D', 'subscribe', { mvnoRef: 'M2MA_OTHER' }),
        403,
        'INSUFFICIENT_PERMISSION',
      ],
      [
        order(active, 'IOTC_CAPPED_EU_1GB_30D', 'preload'),
        400,
        'PRODUCT_NOT_ELIGIBLE',
        'Preload is refused on an active subscriber',
      ],
      [
        order(msisdnFor('preactivated', 0), 'IOTC_CAPPED_EU_1GB_30D', 'subscribe'),
        400,
        'PRODUCT_NOT_ELIGIBLE',
      ],
      [order(msisdnFor('terminated', 0), 'IOTC_CAPPED_EU_1GB_30D', 'subscribe'), 400, 'PRODUCT_NOT_ELIGIBLE'],
      [order(active, 'IOTC_CAPPED_EU_1GB_30D', 'renew'), 400, 'BAD_REQUEST', 'orderType'],
      [
        order(active, 'IOTC_CAPPED_EU_1GB_30D', 'subscribe', { payment: { provider: 'visa' } }),
        400,
        'BAD_REQUEST',
        'payment.provider',
      ],
      [
        { ...order(active, 'IOTC_CAPPED_EU_1GB_30D', 'subscribe'), product: undefined },
        400,
        'BAD_REQUEST',
        'product',
      ],
    ];
    for (const [body, status, title, detail] of cases) {
      const res = await api<Problem>('POST', ORDERS, body);
      expect({ status: res.status, title: res.body.title }).toEqual({ status, title });
      expect(res.body.path).toBe(ORDERS);
      expect(res.body.type).toBe(`https://api.transatel.com/ocs/subscriptions/docs#errors/${title}`);
      if (detail) expect(res.body.detail).toContain(detail);
    }
    expect(sim.counters().subscriptionsBySim).toEqual({});
    // Payment provider is case-insensitive.
    const lower = await api(
      'POST',
      ORDERS,
      order(active, 'IOTC_CAPPED_EU_1GB_30D', 'subscribe', { payment: { provider: 'credit' } }),
    );
    expect(lower.status).toBe(201);
  });

  it('lists seeded inventory with balances in KB and filters by status', async () => {
    const msisdn = msisdnFor('active', 0);
    const inv = await api<Inventory>('GET', `${INVENTORY}?msisdn=${msisdn}&withBalances=true`);
    expect(inv.body.currentLocale).toBe('en_US');
    const [plan] = inv.body.productSubscriptions;
    const balance = plan?.balances?.data[0];
    expect(plan?.status).toBe('active');
    expect(balance?.resourceStartValue).toBe(
      1024 * 1024 * (plan?.productDefinition.productId.includes('5GB') ? 5 : 1),
    );
    expect(balance?.resourceValue).toBeLessThan(balance?.resourceStartValue ?? 0);
    expect(
      (await api<Inventory>('GET', `${INVENTORY}?msisdn=${msisdn}&statuses=expired&statuses=terminated`)).body
        .productSubscriptions,
    ).toEqual([]);
    // Odd Active SIMs have no plan: an empty list, not an error.
    expect(
      (await api<Inventory>('GET', `${INVENTORY}?msisdn=${msisdnFor('active', 1)}`)).body
        .productSubscriptions,
    ).toEqual([]);

    const one = await api<ProductSubscriptionBody>(
      'GET',
      `${INVENTORY}/${plan?.subscriptionId}?withBalances=true`,
    );
    expect(one.body).toMatchObject({ subscriptionId: plan?.subscriptionId, balances: { data: [balance] } });
    const missing = await api<Problem>('GET', `${INVENTORY}/nope`);
    expect(missing.status).toBe(404);
    expect(missing.body.title).toBe('SUBSCRIPTION_NOT_FOUND');
    const plus = await api<Problem>('GET', `${INVENTORY}?msisdn=%2B${msisdn}`);
    expect(plus.status).toBe(400);
    expect(plus.body.title).toBe('BAD_REQUEST');
    expect((await api<Problem>('GET', `${INVENTORY}?msisdn=882479999999999`)).body.title).toBe(
      'SUBSCRIBER_NOT_FOUND',
    );
    expect((await api<Problem>('GET', `${INVENTORY}?statuses=active`)).body.detail).toContain("'msisdn'");
    expect((await api<Problem>('GET', `${INVENTORY}?msisdn=${msisdn}&statuses=bogus`)).body.detail).toContain(
      "'statuses[0]'",
    );
  });

  it('expires a product through /_sim with OCS/PRODUCT/EXPIRED', async () => {
    const msisdn = msisdnFor('active', 0);
    const inv = await api<Inventory>('GET', `${INVENTORY}?msisdn=${msisdn}`);
    const id = inv.body.productSubscriptions[0]?.subscriptionId;
    expect((await adminClient(sim)('POST', `/products/${id}/expire`)).status).toBe(200);
    await waitFor(() => receiver.ofType('OCS/PRODUCT/EXPIRED').length === 1);
    expect(receiver.ofType('OCS/PRODUCT/EXPIRED')[0]?.event.body).toMatchObject({
      msisdn,
      productSubscription: { subscriptionId: id, status: 'expired' },
    });
    expect((await adminClient(sim)('POST', `/products/${id}/expire`)).status).toBe(409);
  });
});

describe('simulator OCS catalog', () => {
  let sim: RunningSimulator;
  let api: ReturnType<typeof apiClient>;
  beforeAll(async () => {
    sim = await startTestSim();
    api = apiClient(sim, await getToken(sim));
  });
  afterAll(() => sim.close());

  it('lists the capped plans with ISO-2 tags, ISO-3 countries and CENT prices', async () => {
    const res = await api<{ cos: string; products: ProductDetails[] }>(
      'GET',
      `${CATALOG}?availabilityStatus=AVAILABLE`,
    );
    expect(res.status).toBe(200);
    expect(res.body.cos).toBe('WW_M2MA_COS_IOT_CONNECT');
    const products = res.body.products;
    expect(products.length).toBeGreaterThanOrEqual(15);
    expect(products.every((p) => p.availability.available)).toBe(true);
    const categories = new Set(products.map((p) => p.productDefinition.productCategory));
    expect(categories).toEqual(new Set(['Recurring', 'One-off']));
    expect(products.filter((p) => p.productDefinition.unlimited)).toHaveLength(1);
    const eu = products.find((p) => p.productDefinition.productId === 'IOTC_CAPPED_EU_1GB_30D');
    expect(eu?.productDefinition.tags).toEqual(expect.arrayContaining(['FR', 'DE', 'ES', 'IT']));
    expect(eu?.productDefinition.countryList).toEqual(expect.arrayContaining(['FRA', 'DEU', 'ESP', 'ITA']));
    expect(eu?.productDefinition.allowances).toEqual({ data: { value: 1, unit: 'GB' } });
    expect(eu?.prices.subscriptionFee[0]?.[0]).toMatchObject({ currency: 'EUR', unit: 'CENT' });
    const na = products.find((p) => p.productDefinition.tags.join() === 'US,CA,MX');
    expect(na?.productDefinition.countryList).toEqual(['USA', 'CAN', 'MEX']);

    const all = await api<{ products: ProductDetails[] }>('GET', CATALOG);
    expect(all.body.products.length).toBe(products.length + 1);
    const oneOff = await api<{ products: ProductDetails[] }>('GET', `${CATALOG}?categories=One-off`);
    expect(oneOff.body.products.every((p) => p.productDefinition.productCategory === 'One-off')).toBe(true);
    const both = await api<{ products: ProductDetails[] }>(
      'GET',
      `${CATALOG}?categories=One-off&categories=Recurring`,
    );
    expect(both.body.products.length).toBe(all.body.products.length);
  });

  it('reads one product and checks eligibility with ?msisdn', async () => {
    const path = `${CATALOG}/IOTC_CAPPED_FR_500MB_1M`;
    const plain = await api<ProductDetails>('GET', path);
    expect(plain.body.productDefinition).toMatchObject({
      productId: 'IOTC_CAPPED_FR_500MB_1M',
      tags: ['FR'],
      countryList: ['FRA'],
    });
    expect(plain.body.canSubscribe).toEqual({ allowed: true, errorKey: null, errorMessage: null });
    const ok = await api<ProductDetails>('GET', `${path}?msisdn=${msisdnFor('preactivated', 0)}`);
    expect(ok.body.canSubscribe.allowed).toBe(true);
    const suspended = await api<ProductDetails>('GET', `${path}?msisdn=${msisdnFor('suspended', 0)}`);
    expect(suspended.body.canSubscribe).toMatchObject({ allowed: false, errorKey: 'PRODUCT_NOT_ELIGIBLE' });
    const unknown = await api<Problem>('GET', `${path}?msisdn=882479999999999`);
    expect({ status: unknown.status, title: unknown.body.title }).toEqual({
      status: 400,
      title: 'SUBSCRIBER_NOT_FOUND',
    });
  });

  it('refuses other COS and unknown products', async () => {
    const cos = await api<Problem>('GET', '/ocs/catalog/api/cos/WW_M2MA_COS_SPC/products');
    expect({ status: cos.status, title: cos.body.title }).toEqual({
      status: 403,
      title: 'INSUFFICIENT_PERMISSION',
    });
    const product = await api<Problem>('GET', `${CATALOG}/NOPE`);
    expect({ status: product.status, title: product.body.title }).toEqual({
      status: 404,
      title: 'PRODUCT_NOT_FOUND',
    });
    const category = await api<Problem>('GET', `${CATALOG}?categories=one-off`);
    expect(category.status).toBe(400);
    expect(category.body.detail).toContain("'categories[0]'");
  });
});
