import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handler } from '#functions/orders-api/handler.js';
import { ordersTableDefinition } from '#shared/store/dynamo-order-store.js';
import { newOrder, type Order } from '#shared/store/order.js';
import { newOrderId } from '#shared/store/order-id.js';
import { requireApplied } from '#shared/store/order-store.js';
import { orderStore } from '#shared/wiring/clients/dynamo.js';
import { type LocalDynamo, startLocalDynamo } from '#test/integration/store/dynalite-server.js';
import { type ApiEventInput, invoke } from '#test/support/api-event.js';
import { type CaptureLogs, captureLogs } from '#test/support/log-capture.js';
import { transatelEnv } from './harness.js';

const ICCID = '8988247200000000007';
/** A SIM has one open order at a time: the orders of the tests after the first are for other SIMs. */
const OTHER_ICCIDS = ['8988247200000000015', '8988247200000000023'];
let dynamo: LocalDynamo;
let logs: CaptureLogs;

beforeAll(async () => {
  logs = captureLogs();
  dynamo = await startLocalDynamo();
  await dynamo.createTable(ordersTableDefinition, 'orders-test');
  // Transatel is never called by this function; its variables are set as in any deployed function.
  Object.assign(process.env, transatelEnv('http://127.0.0.1:9'), {
    ORDERS_TABLE_NAME: 'orders-test',
    AWS_ENDPOINT_URL: dynamo.endpoint,
  });
});

afterAll(async () => {
  logs.restore();
  await dynamo?.close();
});

const getOrder = (orderId: string) =>
  invoke(handler, { routeKey: 'GET /v1/orders/{orderId}', pathParameters: { orderId } });

async function storedOrder(fields: Partial<Parameters<typeof newOrder>[0]> = {}): Promise<Order> {
  const order = newOrder({
    kind: 'activation',
    iccid: ICCID,
    planId: 'IOTC_CAPPED_EU_1GB_1M',
    idempotencyKey: 'key-1',
    requestHash: 'hash-1',
    ...fields,
  });
  await orderStore().create(order);
  return order;
}

describe('GET /v1/orders/{orderId}', () => {
  it('answers a new order without its internal fields', async () => {
    const order = await storedOrder({
      options: [{ name: 'DATA', value: 'on' }],
      reference: 'r-1',
      group: 'G',
    });

    const response = await getOrder(order.orderId);

    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/json');
    expect(response.body).toEqual({
      orderId: order.orderId,
      kind: 'activation',
      iccid: ICCID,
      planId: 'IOTC_CAPPED_EU_1GB_1M',
      options: [{ name: 'DATA', value: 'on' }],
      reference: 'r-1',
      group: 'G',
      status: 'RECEIVED',
      timeline: [{ status: 'RECEIVED', at: order.createdAt }],
      createdAt: order.createdAt,
      updatedAt: order.createdAt,
    });
  });

  it('answers a completed order with its Transatel ids and whole timeline', async () => {
    const { orderId } = await storedOrder({ iccid: OTHER_ICCIDS[0] });
    const store = orderStore();
    requireApplied(
      await store.transition(orderId, {
        from: 'RECEIVED',
        to: 'ACTIVATING',
        set: { transactionId: 'txn-1' },
        increment: { activationCalls: 1 },
      }),
    );
    requireApplied(
      await store.transition(orderId, {
        from: 'ACTIVATING',
        to: 'ACTIVE',
        set: { msisdn: '882472000000000', orderType: 'subscribe', planClaimedAt: new Date().toISOString() },
        note: 'SIM seen Active',
      }),
    );
    const completed = requireApplied(
      await store.transition(orderId, {
        from: 'ACTIVE',
        to: 'COMPLETED',
        set: { subscriptionId: 'sub-1', planClaimedAt: undefined },
        increment: { subscriptionCalls: 1 },
      }),
    );

    const response = await getOrder(orderId);

    expect(response.statusCode).toBe(200);
    expect(response.body).toEqual({
      orderId,
      kind: 'activation',
      iccid: OTHER_ICCIDS[0],
      planId: 'IOTC_CAPPED_EU_1GB_1M',
      status: 'COMPLETED',
      orderType: 'subscribe',
      transactionId: 'txn-1',
      msisdn: '882472000000000',
      subscriptionId: 'sub-1',
      timeline: completed.timeline,
      createdAt: completed.createdAt,
      updatedAt: completed.updatedAt,
    });
    expect(response.body.timeline).toHaveLength(4);
    expect(response.body.timeline).toContainEqual(expect.objectContaining({ note: 'SIM seen Active' }));
  });

  it('answers a failed order with its failure code and detail', async () => {
    const { orderId } = await storedOrder({ kind: 'plan', iccid: OTHER_ICCIDS[1] });
    requireApplied(
      await orderStore().transition(orderId, {
        from: 'RECEIVED',
        to: 'FAILED',
        set: { failure: { code: 'PRODUCT_NOT_ELIGIBLE', detail: 'Subscriber status Suspended' } },
      }),
    );

    const response = await getOrder(orderId);

    expect(response.statusCode).toBe(200);
    expect(response.body).toMatchObject({
      kind: 'plan',
      status: 'FAILED',
      failure: { code: 'PRODUCT_NOT_ELIGIBLE', detail: 'Subscriber status Suspended' },
    });
    for (const internal of ['version', 'idempotencyKey', 'requestHash', 'planClaimedAt', 'attempts']) {
      expect(response.body).not.toHaveProperty(internal);
    }
  });

  it('answers 404 for a well-formed id that names no order', async () => {
    const orderId = newOrderId();
    const response = await getOrder(orderId);

    expect(response.statusCode).toBe(404);
    expect(response.headers['content-type']).toBe('application/problem+json');
    expect(response.body).toMatchObject({
      type: 'urn:problem:not-found',
      title: 'ORDER_NOT_FOUND',
      status: 404,
      instance: `/v1/orders/${orderId}`,
    });
    expect(response.body.detail).toContain(orderId);
  });

  it.each([
    ['lower case', newOrderId().toLowerCase()],
    ['too short', newOrderId().slice(0, 25)],
    ['a letter Crockford excludes', `${newOrderId().slice(0, 25)}U`],
    ['a timestamp beyond 48 bits', `8${newOrderId().slice(1)}`],
    ['empty', ''],
  ])('answers 400 naming params.orderId for an id that is not a ULID (%s)', async (_, orderId) => {
    const response = await getOrder(orderId);

    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toBe('application/problem+json');
    expect(response.body).toMatchObject({ type: 'urn:problem:validation', status: 400 });
    expect(response.body.errors).toEqual([{ path: 'params.orderId', message: 'must be a ULID' }]);
  });

  it('never answers 5xx, whatever the path parameter', async () => {
    const orderIds = fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.stringMatching(/^[0-9A-Z]{26}$/),
      fc.constant(newOrderId()),
    );
    await fc.assert(
      fc.asyncProperty(orderIds, async (orderId) => {
        const input: ApiEventInput = { routeKey: 'GET /v1/orders/{orderId}', pathParameters: { orderId } };
        const response = await invoke(handler, input);
        expect(response.statusCode).toBeGreaterThanOrEqual(200);
        expect(response.statusCode).toBeLessThan(500);
      }),
      { numRuns: 150 },
    );
  });
});
