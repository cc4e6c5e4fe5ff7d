import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '#local/aws.js';
import { iccidFor } from '#local/simulator/index.js';
import type { LocalStack } from '#local/stack.js';
import { DynamoPlanCatalogStore } from '#shared/store/plan-catalog-store.js';
import { documentClientOf } from '#shared/wiring/clients/document-client.js';
import {
  api,
  counters,
  drainPublishedEvents,
  duplicateDelivery,
  PLAN,
  postWebhook,
  setFaults,
  sign,
  startStack,
  unknownIccid,
  waitForOrders,
} from './stack-harness.js';

/** The whole local stack over HTTP: gateway, queues, pollers, DynamoDB, the simulator and its webhooks. */

let stack: LocalStack;

beforeAll(async () => {
  stack = await startStack();
}, 60_000);
afterAll(async () => {
  await stack?.stop();
});

async function activate(iccid: string, body: Record<string, unknown> = { planId: PLAN }) {
  const response = await api(stack, 'POST', `/v1/sims/${iccid}/activation`, body);
  expect(response.status).toBe(202);
  return response.body.orderId as string;
}

describe('activation then plan', () => {
  it('reaches COMPLETED through the ACTIVATED webhook, with the plan on the balance and events published', async () => {
    const iccid = iccidFor('available', 1);
    const orderId = await activate(iccid);
    const [order] = await waitForOrders(stack, [orderId]);
    expect(order).toMatchObject({ status: 'COMPLETED', orderType: 'subscribe' });
    expect(order?.timeline.map((entry) => entry.status)).toEqual([
      'RECEIVED',
      'ACTIVATING',
      'ACTIVE',
      'COMPLETED',
    ]);
    expect(order?.timeline.find((entry) => entry.status === 'ACTIVE')?.note).toMatch(/ACTIVATED event/);

    const balance = await api(stack, 'GET', `/v1/sims/${iccid}/balance`);
    expect(balance.status).toBe(200);
    expect(balance.body).toMatchObject({ iccid, msisdn: order?.msisdn });
    expect(balance.body.plans).toEqual([
      expect.objectContaining({ subscriptionId: order?.subscriptionId, planId: PLAN, status: 'active' }),
    ]);
    expect(counters(stack).subscriptionsBySim[iccid]).toBe(1);

    await expect
      .poll(async () => (await drainPublishedEvents(stack)).map((event) => event.type), { timeout: 10_000 })
      .toContain('plan.activated');
  });

  it('reaches COMPLETED by polling when every webhook is dropped', async () => {
    setFaults(stack, { webhooks: { dropRate: 1 } });
    try {
      const iccid = iccidFor('available', 2);
      const orderId = await activate(iccid);
      const [order] = await waitForOrders(stack, [orderId]);
      expect(order?.status).toBe('COMPLETED');
      expect(order?.timeline.find((entry) => entry.status === 'ACTIVE')?.note).toMatch(/status check/);
      expect(counters(stack).subscriptionsBySim[iccid]).toBe(1);
    } finally {
      setFaults(stack, {});
    }
  });

  it("checks a bulk call's SIMs, their status checks grouped, when every webhook is dropped", async () => {
    setFaults(stack, { webhooks: { dropRate: 1 } });
    try {
      const sims = Array.from({ length: 6 }, (_, i) => ({ iccid: iccidFor('available', 80 + i) }));
      const response = await api(stack, 'POST', '/v1/activations', { sims, defaults: { planId: PLAN } });
      expect(response.status).toBe(202);
      const orderIds = (response.body.orders as { orderId: string }[]).map((order) => order.orderId);
      const orders = await waitForOrders(stack, orderIds);
      for (const order of orders) {
        expect(order.status).toBe('COMPLETED');
        expect(order.timeline.find((entry) => entry.status === 'ACTIVE')?.note).toMatch(/status check/);
      }
      for (const { iccid } of sims) expect(counters(stack).subscriptionsBySim[iccid]).toBe(1);
    } finally {
      setFaults(stack, {});
    }
  });

  it('preloads the plan on a Pre-activated SIM, without activating it', async () => {
    const iccid = iccidFor('preactivated', 3);
    const [order] = await waitForOrders(stack, [await activate(iccid)]);
    expect(order).toMatchObject({ status: 'COMPLETED', orderType: 'preload' });
    expect(counters(stack).activationsBySim[iccid]).toBeUndefined();
    expect(counters(stack).subscriptionsBySim[iccid]).toBe(1);
  });

  it("fails an unknown SIM with Transatel's error title", async () => {
    const [order] = await waitForOrders(stack, [await activate(unknownIccid(1))]);
    expect(order).toMatchObject({ status: 'FAILED', failure: { code: 'SUBSCRIBER_NOT_FOUND' } });
  });

  it('orders nothing twice despite duplicated and reordered webhooks and duplicated queue deliveries', async () => {
    setFaults(stack, { webhooks: { duplicateRate: 1, reorderRate: 0.5 } });
    try {
      const iccids = Array.from({ length: 12 }, (_, i) => iccidFor('available', 10 + i));
      const orderIds = await Promise.all(iccids.map((iccid) => activate(iccid)));
      // SQS delivers at least once: send every step again, twice, at once.
      for (const orderId of orderIds) {
        for (let copy = 0; copy < 2; copy++) {
          await duplicateDelivery(stack, 'activation', { orderId, step: 'activate' });
          await duplicateDelivery(stack, 'plan', { orderId, step: 'order-plan' });
          await duplicateDelivery(stack, 'plan', { orderId, step: 'await-activation' });
        }
      }
      // The status checks of orders activated together travel as one message: deliver one again too.
      await duplicateDelivery(stack, 'plan', { step: 'await-activation', orderIds: orderIds.slice(0, 10) });
      const orders = await waitForOrders(stack, orderIds);
      expect(orders.map((order) => order.status)).toEqual(orderIds.map(() => 'COMPLETED'));
      // Late duplicates arriving after completion must not order again either.
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      const { subscriptionsBySim, ocsOrders, activationsBySim } = counters(stack);
      for (const iccid of iccids) {
        expect(subscriptionsBySim[iccid]).toBe(1);
        expect(ocsOrders[iccid]).toBe(1);
        expect(activationsBySim[iccid]).toBe(1);
      }
      expect(counters(stack).webhooks.duplicated).toBeGreaterThan(0);
    } finally {
      setFaults(stack, {});
    }
  });

  it('completes a bulk call of 500 SIMs in full', async () => {
    const sims = Array.from({ length: 500 }, (_, i) => ({ iccid: iccidFor('available', 300 + i) }));
    const response = await api(stack, 'POST', '/v1/activations', {
      sims,
      defaults: { planId: PLAN, group: 'bulk-500' },
    });
    expect(response.status).toBe(202);
    const accepted = response.body.orders as { iccid: string; orderId: string; status: string }[];
    expect(accepted).toHaveLength(500);
    expect(response.body.rejected).toEqual([]);
    const orders = await waitForOrders(
      stack,
      accepted.map((order) => order.orderId),
      120_000,
    );
    expect(orders.filter((order) => order.status === 'COMPLETED')).toHaveLength(500);
    const { subscriptionsBySim } = counters(stack);
    expect(sims.every(({ iccid }) => subscriptionsBySim[iccid] === 1)).toBe(true);
  }, 150_000);
});

describe('one open order per SIM', () => {
  const TOP_UP = 'IOTC_CAPPED_EU_1GB_30D';

  it('ten concurrent activations without a key: one order and one plan, nine 409s naming it; a top-up once it is COMPLETED', async () => {
    const iccid = iccidFor('available', 40);

    const responses = await Promise.all(
      Array.from({ length: 10 }, () => api(stack, 'POST', `/v1/sims/${iccid}/activation`, { planId: PLAN })),
    );

    const accepted = responses.filter((response) => response.status === 202);
    expect(accepted).toHaveLength(1);
    const orderId = accepted[0]?.body.orderId as string;
    const refused = responses.filter((response) => response.status === 409);
    expect(refused).toHaveLength(9);
    for (const response of refused) {
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(response.body).toMatchObject({ title: 'SIM_HAS_OPEN_ORDER', status: 409, openOrderId: orderId });
      expect(response.body.detail).toContain(orderId);
    }

    const [order] = await waitForOrders(stack, [orderId]);
    expect(order?.status).toBe('COMPLETED');
    const balance = await api(stack, 'GET', `/v1/sims/${iccid}/balance`);
    expect(balance.status).toBe(200);
    expect(balance.body.plans).toEqual([
      expect.objectContaining({ subscriptionId: order?.subscriptionId, planId: PLAN }),
    ]);
    expect(counters(stack).activationsBySim[iccid]).toBe(1);
    expect(counters(stack).subscriptionsBySim[iccid]).toBe(1);

    // The first order is COMPLETED: the SIM takes a new order, and its Idempotency-Key replay gets the same one.
    const key = { 'idempotency-key': `top-up-${iccid}` };
    const topUp = await api(stack, 'POST', `/v1/sims/${iccid}/plans`, { planId: TOP_UP }, key);
    expect(topUp.status).toBe(202);
    const replay = await api(stack, 'POST', `/v1/sims/${iccid}/plans`, { planId: TOP_UP }, key);
    expect(replay.status).toBe(202);
    expect(replay.body.orderId).toBe(topUp.body.orderId);

    const [topUpOrder] = await waitForOrders(stack, [topUp.body.orderId as string]);
    expect(topUpOrder?.status).toBe('COMPLETED');
    const after = await api(stack, 'GET', `/v1/sims/${iccid}/balance`);
    expect((after.body.plans as { planId: string }[]).map((plan) => plan.planId).sort()).toEqual(
      [PLAN, TOP_UP].sort(),
    );
    expect(counters(stack).subscriptionsBySim[iccid]).toBe(2);
  });
});

describe('plan catalogue copy (catalog-sync)', () => {
  it('holds the plans of GET /v1/plans from the start; the ordering APIs check plans without calling Transatel', async () => {
    const client = documentClientOf(
      new DynamoDBClient({
        endpoint: stack.endpoints.dynamodb,
        region: LOCAL_REGION,
        credentials: LOCAL_CREDENTIALS,
      }),
    );
    const store = new DynamoPlanCatalogStore({ client, tableName: stack.resources.tables.catalog });
    const copy = await store.read();
    const plans = await api(stack, 'GET', '/v1/plans');
    const planIds = (plans.body.plans as { planId: string }[]).map((plan) => plan.planId);
    expect(planIds).toContain(PLAN);
    expect(copy?.planIds).toEqual(expect.arrayContaining(planIds));

    const catalogCalls = () => counters(stack).calls.catalogList ?? 0;
    const tokenCalls = () => counters(stack).tokenRequests;
    const [catalogBefore, tokensBefore] = [catalogCalls(), tokenCalls()];
    const refused = await api(stack, 'POST', `/v1/sims/${iccidFor('available', 1)}/plans`, {
      planId: 'NO_SUCH_PLAN',
    });
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.body)).toContain("unknown plan 'NO_SUCH_PLAN'");
    expect(catalogCalls()).toBe(catalogBefore);
    expect(tokenCalls()).toBe(tokensBefore);
  });
});

describe('webhook intake', () => {
  const event = (eventId: string) =>
    JSON.stringify({
      header: { eventId, eventType: 'SIM-MANAGEMENT/ESIM/INSTALLED', eventDate: new Date().toISOString() },
      body: { simSerial: iccidFor('available-esim', 0), status: 'installed' },
    });

  it('answers 204 to a correctly signed event and 401 to a forged, tampered or unsigned one', async () => {
    const body = event('intake-1');
    expect((await postWebhook(stack, body, sign(body))).status).toBe(204);
    const forged = await postWebhook(stack, body, sign(body, 'not-the-secret'));
    expect(forged.status).toBe(401);
    expect(forged.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect((await postWebhook(stack, body.replace('installed', 'deleted'), sign(body))).status).toBe(401);
    expect((await postWebhook(stack, body, undefined)).status).toBe(401);
    expect((await postWebhook(stack, 'not json', sign('not json'))).status).toBe(400);
  });

  it('publishes an event once, however many times it is delivered', async () => {
    const eventId = `intake-once-${Date.now()}`;
    const body = event(eventId);
    const published: Record<string, unknown>[] = [];
    const copiesPublished = async () => {
      published.push(...(await drainPublishedEvents(stack)));
      return published.filter((notification) => JSON.stringify(notification.source).includes(eventId)).length;
    };
    const eventsHandled = () => stack.pollers?.counters().events?.succeeded ?? 0;

    expect((await postWebhook(stack, body, sign(body))).status).toBe(204);
    await expect.poll(copiesPublished, { timeout: 15_000 }).toBe(1);
    const handledBefore = eventsHandled();
    const again = await Promise.all([1, 2].map(() => postWebhook(stack, body, sign(body))));
    expect(again.map((response) => response.status)).toEqual([204, 204]);
    // Both late copies went through the events worker (as duplicates) and nothing more was published.
    await expect.poll(eventsHandled, { timeout: 15_000 }).toBeGreaterThanOrEqual(handledBefore + 2);
    expect(await copiesPublished()).toBe(1);
    // Filed once in the SIM's history too: the copies the dedupe dropped wrote nothing.
    const history = await api(
      stack,
      'GET',
      `/v1/sims/${iccidFor('available-esim', 0)}/events?type=esim.installed`,
    );
    const filed = (history.body.events as { id: string; eventId?: string }[]).filter(
      (entry) => entry.id === eventId,
    );
    expect(filed).toEqual([expect.objectContaining({ eventId, source: 'transatel' })]);
  });
});

interface SimEvent {
  at: string;
  id: string;
  source: string;
  type: string;
  summary: string;
  actor?: string;
  route?: string;
  orderId?: string;
  outcome?: { status: number; title?: string };
}

describe("a SIM's history", () => {
  const events = async (iccid: string, query = '') => {
    const response = await api(stack, 'GET', `/v1/sims/${iccid}/events${query}`);
    expect(response.status).toBe(200);
    return response.body as { events: SimEvent[]; nextCursor?: string };
  };

  it('shows, newest first, the operator actions, the order steps and the Transatel events; limit=2 walks them all', async () => {
    const iccid = iccidFor('available', 60);
    const orderId = await activate(iccid);
    const [order] = await waitForOrders(stack, [orderId]);
    expect(order?.status).toBe('COMPLETED');
    const suspended = await api(stack, 'POST', `/v1/sims/${iccid}/suspend`);
    expect(suspended.status).toBe(202);
    const refused = await api(stack, 'POST', `/v1/sims/${iccid}/plans`, { planId: 'NO_SUCH_PLAN' });
    expect(refused.status).toBe(400);

    // Transatel's events arrive through the webhook and the events worker: wait for the suspension's.
    await expect
      .poll(async () => (await events(iccid)).events.map((entry) => entry.type), { timeout: 15_000 })
      .toContain('sim.suspended');
    const { events: all, nextCursor } = await events(iccid, '?limit=200');
    expect(nextCursor).toBeUndefined();

    const types = all.map((entry) => entry.type);
    expect(types).toEqual(
      expect.arrayContaining([
        'operator.action',
        'order.RECEIVED',
        'order.ACTIVATING',
        'order.ACTIVE',
        'order.COMPLETED',
        'sim.activated',
        'plan.activated',
        'sim.suspended',
      ]),
    );
    // Newest first.
    const instants = all.map((entry) => Date.parse(entry.at));
    expect(instants).toEqual([...instants].sort((a, b) => b - a));

    const actions = all.filter((entry) => entry.source === 'operator');
    expect(actions.map((entry) => [entry.route, entry.outcome, entry.actor])).toEqual([
      ['POST /v1/sims/{iccid}/plans', { status: 400, title: 'Invalid request' }, 'local'],
      ['POST /v1/sims/{iccid}/suspend', { status: 202 }, 'local'],
      ['POST /v1/sims/{iccid}/activation', { status: 202 }, 'local'],
    ]);
    expect(actions[2]).toMatchObject({ orderId, summary: `activation with plan ${PLAN}: 202` });
    const steps = all.filter((entry) => entry.source === 'order');
    expect(steps.map((entry) => entry.type)).toEqual([
      'order.COMPLETED',
      'order.ACTIVE',
      'order.ACTIVATING',
      'order.RECEIVED',
    ]);
    expect(steps.every((entry) => entry.orderId === orderId)).toBe(true);
    // The request came before the order it made; the suspension after the order completed.
    const at = (entry: SimEvent | undefined) => Date.parse(entry?.at ?? '');
    expect(at(actions[2])).toBeLessThanOrEqual(at(steps[3]));
    expect(at(actions[1])).toBeGreaterThanOrEqual(at(steps[0]));
    expect(all.find((entry) => entry.type === 'plan.activated')).toMatchObject({
      source: 'transatel',
      summary: expect.stringContaining(PLAN),
    });

    const walked: SimEvent[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await events(iccid, `?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.events.length).toBeLessThanOrEqual(2);
      walked.push(...page.events);
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor !== undefined && pages <= all.length);
    expect(walked).toEqual(all);
    expect(pages).toBe(Math.ceil(all.length / 2));

    const onlyActions = await events(iccid, '?type=operator.action');
    expect(onlyActions.events).toEqual(actions);
  });
});

const POLICY = {
  scope: { group: 'G' },
  trigger: { on: 'exhausted' },
  action: { planId: PLAN },
  limits: { maxPerSimPerMonth: 2 },
};

describe('policies', () => {
  it('are put, read, listed and deleted through the gateway, in the table the local runtime made, without Transatel', async () => {
    const before = { ...counters(stack).calls };
    const created = await api(stack, 'PUT', '/v1/policies/e2e-policy', POLICY);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ ...POLICY, policyId: 'e2e-policy', enabled: true });
    const replaced = await api(stack, 'PUT', '/v1/policies/e2e-policy', { ...POLICY, enabled: false });
    expect(replaced.status).toBe(200);
    expect(replaced.body.createdAt).toBe(created.body.createdAt);

    expect((await api(stack, 'GET', '/v1/policies/e2e-policy')).body).toEqual(replaced.body);
    const listed = await api(stack, 'GET', '/v1/policies');
    expect(listed.body.policies).toContainEqual(replaced.body);

    expect((await api(stack, 'DELETE', '/v1/policies/e2e-policy')).status).toBe(204);
    const gone = await api(stack, 'GET', '/v1/policies/e2e-policy');
    expect(gone.status).toBe(404);
    expect(gone.body.title).toBe('POLICY_NOT_FOUND');
    expect((await api(stack, 'DELETE', '/v1/policies/e2e-policy')).status).toBe(404);

    const after = counters(stack).calls;
    const touched = Object.keys(after).filter((route) => after[route] !== before[route]);
    expect(touched.filter((route) => route !== 'catalogList' && route !== 'token')).toEqual([]);
  });
});

describe('bad input never reaches Transatel', () => {
  const badIccid = '8988247000000000002'; // wrong check digit
  const cases: {
    route: string;
    method: string;
    path: string;
    body?: unknown;
    field: RegExp;
    status?: number;
  }[] = [
    {
      route: 'POST /v1/sims/{iccid}/activation',
      method: 'POST',
      path: `/v1/sims/${badIccid}/activation`,
      body: {},
      field: /params\.iccid/,
    },
    {
      route: 'POST /v1/sims/{iccid}/activation',
      method: 'POST',
      path: `/v1/sims/${iccidFor('available', 0)}/activation`,
      body: { planId: 42 },
      field: /body\.planId/,
    },
    {
      route: 'POST /v1/sims/{iccid}/activation',
      method: 'POST',
      path: `/v1/sims/${iccidFor('available', 0)}/activation`,
      body: { planId: 'NO_SUCH_PLAN' },
      field: /body\.planId/,
    },
    {
      route: 'POST /v1/activations',
      method: 'POST',
      path: '/v1/activations',
      body: { sims: [] },
      field: /body\.sims/,
    },
    {
      route: 'POST /v1/activations',
      method: 'POST',
      path: '/v1/activations',
      body: { sims: [{ iccid: '123' }] },
      field: /body\.sims\[0\]\.iccid/,
    },
    {
      route: 'GET /v1/orders/{orderId}',
      method: 'GET',
      path: '/v1/orders/not-an-id',
      field: /params\.orderId/,
    },
    {
      route: 'POST /v1/sims/{iccid}/plans',
      method: 'POST',
      path: `/v1/sims/${iccidFor('active', 0)}/plans`,
      body: {},
      field: /body\.planId/,
    },
    {
      route: 'GET /v1/sims/{iccid}/balance',
      method: 'GET',
      path: `/v1/sims/${badIccid}/balance`,
      field: /params\.iccid/,
    },
    { route: 'GET /v1/plans', method: 'GET', path: '/v1/plans?country=FRA', field: /query\.country/ },
    { route: 'GET /v1/sims', method: 'GET', path: '/v1/sims?pageSize=0', field: /query\.pageSize/ },
    { route: 'GET /v1/sims/{iccid}', method: 'GET', path: `/v1/sims/${badIccid}`, field: /params\.iccid/ },
    {
      route: 'PATCH /v1/sims/{iccid}',
      method: 'PATCH',
      path: `/v1/sims/${iccidFor('active', 0)}`,
      body: { group: '' },
      field: /body\.group/,
    },
    {
      route: 'POST /v1/sims/{iccid}/suspend',
      method: 'POST',
      path: `/v1/sims/${badIccid}/suspend`,
      field: /params\.iccid/,
    },
    {
      route: 'POST /v1/sims/{iccid}/reactivate',
      method: 'POST',
      path: `/v1/sims/${iccidFor('active', 0)}/reactivate`,
      body: { reference: 7 },
      field: /body\.reference/,
    },
    {
      route: 'POST /v1/sims/{iccid}/terminate',
      method: 'POST',
      path: `/v1/sims/${badIccid}/terminate`,
      field: /params\.iccid/,
    },
    {
      route: 'GET /v1/sims/{iccid}/esim',
      method: 'GET',
      path: `/v1/sims/${badIccid}/esim`,
      field: /params\.iccid/,
    },
    {
      route: 'GET /v1/sims/{iccid}/usage',
      method: 'GET',
      path: `/v1/sims/${iccidFor('active', 0)}/usage?from=yesterday`,
      field: /query\.from/,
    },
    {
      route: 'GET /v1/sims/{iccid}/events',
      method: 'GET',
      path: `/v1/sims/${iccidFor('active', 0)}/events?cursor=not-a-cursor`,
      field: /query\.cursor/,
    },
    {
      route: 'GET /v1/sims/{iccid}/events',
      method: 'GET',
      path: `/v1/sims/${iccidFor('active', 0)}/events?limit=500`,
      field: /query\.limit/,
    },
    {
      route: 'POST /v1/activations',
      method: 'POST',
      path: '/v1/activations',
      body: '{"sims": [',
      field: /body/,
    },
    { route: 'GET /v1/policies', method: 'GET', path: '/v1/policies?group=G', field: /query\.group/ },
    {
      route: 'GET /v1/policies/{policyId}',
      method: 'GET',
      path: '/v1/policies/not%20an%20id',
      field: /params\.policyId/,
    },
    {
      route: 'PUT /v1/policies/{policyId}',
      method: 'PUT',
      path: '/v1/policies/fleet-eu',
      body: { ...POLICY, trigger: { on: 'threshold', percent: 10 } },
      field: /body\.trigger\.percent/,
    },
    {
      route: 'PUT /v1/policies/{policyId}',
      method: 'PUT',
      path: '/v1/policies/fleet-eu',
      body: { ...POLICY, action: { planId: 'NO_SUCH_PLAN' } },
      field: /body\.action\.planId/,
    },
    {
      route: 'DELETE /v1/policies/{policyId}',
      method: 'DELETE',
      path: `/v1/policies/${'x'.repeat(65)}`,
      field: /params\.policyId/,
    },
    {
      route: 'POST /v1/jobs',
      method: 'POST',
      path: '/v1/jobs',
      body: { action: 'suspend', sims: [{ iccid: iccidFor('active', 0) }, { iccid: badIccid }] },
      field: /body\.sims\[1\]\.iccid/,
    },
    {
      route: 'POST /v1/jobs',
      method: 'POST',
      path: '/v1/jobs',
      body: { action: 'plan', filter: { group: 'FLEET_A' }, params: { planId: 'NO_SUCH_PLAN' } },
      field: /body\.params\.planId/,
    },
    { route: 'GET /v1/jobs/{jobId}', method: 'GET', path: '/v1/jobs/nope', field: /params\.jobId/ },
    {
      route: 'GET /v1/jobs/{jobId}/items',
      method: 'GET',
      path: '/v1/jobs/job_0000000000ZZZZZZZZZZZZZZZZ/items?status=LOST',
      field: /query\.status/,
    },
    {
      route: 'POST /v1/jobs/{jobId}/cancel',
      method: 'POST',
      path: '/v1/jobs/job_x/cancel',
      field: /params\.jobId/,
    },
    {
      route: 'POST /v1/reports',
      method: 'POST',
      path: '/v1/reports',
      body: { type: 'plans-expiring', days: 0 },
      field: /body\.days/,
    },
    {
      route: 'GET /v1/reports/{reportId}',
      method: 'GET',
      path: '/v1/reports/nope',
      field: /params\.reportId/,
    },
    {
      route: 'POST /v1/orders/{orderId}/resolve',
      method: 'POST',
      path: '/v1/orders/01ARZ3NDEKTSV4RRFFQ69G5FAV/resolve',
      body: { outcome: 'refund' },
      field: /body\.outcome/,
    },
  ];

  it.each(cases)('$route: $path gets a 4xx problem naming $field', async ({ method, path, body, field }) => {
    const before = { ...counters(stack).calls };
    const response = await api(stack, method, path, body);
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    expect(response.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(JSON.stringify(response.body)).toMatch(field);
    // Only the (cached) plan catalogue may have been read; no SIM, order or queue was touched.
    const after = counters(stack).calls;
    const touched = Object.keys(after).filter((route) => after[route] !== before[route]);
    expect(touched.filter((route) => route !== 'catalogList' && route !== 'token')).toEqual([]);
  });

  it('covers every route of the topology', async () => {
    const { routes } = await import('#shared/topology.js');
    const covered = new Set([...cases.map((c) => c.route), 'POST /v1/webhooks/transatel']);
    for (const route of routes) expect(covered).toContain(`${route.method} ${route.path}`);
  });
});

describe('OpenAPI document', () => {
  it('is served at GET /v1/openapi.json, generated from the schemas, with every route', async () => {
    const response = await api(stack, 'GET', '/v1/openapi.json');
    expect(response.status).toBe(200);
    const document = response.body as {
      openapi: string;
      servers: { url: string }[];
      paths: Record<string, Record<string, unknown>>;
    };
    expect(document.openapi).toBe('3.1.0');
    expect(document.servers[0]?.url).toBe(stack.url);
    const { routes } = await import('#shared/topology.js');
    for (const route of routes)
      expect(document.paths[route.path]?.[route.method.toLowerCase()]).toBeDefined();
  });
});
