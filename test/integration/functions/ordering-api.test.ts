import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handler as activationApi } from '#functions/activation-api/handler.js';
import { handler as subscriptionApi } from '#functions/plan-api/handler.js';
import { type LocalAwsClients, localAwsClients } from '#local/aws.js';
import { type Emulators, startEmulators } from '#local/emulators.js';
import { applyEnv, functionEnv } from '#local/env.js';
import { type Provisioned, provision } from '#local/provision.js';
import { iccidFor } from '#local/simulator/index.js';
import { requireApplied } from '#shared/store/order-store.js';
import { orderStore } from '#shared/wiring/clients/dynamo.js';
import { historyStore } from '#shared/wiring/clients/history.js';
import { invoke } from '#test/support/api-event.js';
import { type CaptureLogs, captureLogs } from '#test/support/log-capture.js';

/**
 * The two ordering functions over the SQS and DynamoDB emulators: one open order per SIM, as the
 * client sees it. Transatel is never called by these functions.
 */

let emulators: Emulators;
let clients: LocalAwsClients;
let resources: Provisioned;
let restoreEnv: () => void;
let logs: CaptureLogs;

beforeAll(async () => {
  logs = captureLogs();
  emulators = await startEmulators();
  clients = localAwsClients(emulators.endpoints);
  resources = await provision(clients);
  restoreEnv = applyEnv(
    functionEnv({
      source: {},
      endpoints: emulators.endpoints,
      resources,
      transatel: {
        mode: 'simulator',
        clientId: 'local-client',
        clientSecret: 'local-secret',
        mvnoRef: 'M2MA',
      },
      transatelBaseUrl: 'http://127.0.0.1:9',
      // Transatel is not called: its secret is never read.
      secret: { endpoint: 'http://127.0.0.1:9', id: 'unused' },
    }),
  );
});

afterAll(async () => {
  restoreEnv?.();
  clients?.destroy();
  await emulators?.stop();
  logs.restore();
});

const PLAN = 'IOTC_CAPPED_EU_1GB_1M';
let simIndex = 0;
/** A fresh, well-formed SIM per call. */
const nextIccid = () => iccidFor('available', 700 + simIndex++);

const activate = (iccid: string, body: unknown = { planId: PLAN }, headers: Record<string, string> = {}) =>
  invoke(activationApi, {
    routeKey: 'POST /v1/sims/{iccid}/activation',
    pathParameters: { iccid },
    body,
    headers,
  });

const orderPlan = (iccid: string, headers: Record<string, string> = {}) =>
  invoke(subscriptionApi, {
    routeKey: 'POST /v1/sims/{iccid}/plans',
    pathParameters: { iccid },
    body: { planId: PLAN },
    headers,
  });

const activateMany = (body: unknown) => invoke(activationApi, { routeKey: 'POST /v1/activations', body });

async function complete(orderId: string): Promise<void> {
  requireApplied(
    await orderStore().transition(orderId, { from: ['RECEIVED', 'ACTIVATING', 'ACTIVE'], to: 'COMPLETED' }),
  );
}

function openOrderProblem(iccid: string, openOrderId: string, instance: string) {
  return {
    type: 'urn:problem:sim-has-open-order',
    title: 'SIM_HAS_OPEN_ORDER',
    status: 409,
    detail: expect.stringContaining(`SIM ${iccid} has an open order ${openOrderId}`),
    instance,
    openOrderId,
  };
}

describe('one open order per SIM, single orders', () => {
  it('answers 409 SIM_HAS_OPEN_ORDER naming the open order to an activation and to a plan order', async () => {
    const iccid = nextIccid();
    const first = await activate(iccid);
    expect(first.statusCode).toBe(202);
    const openOrderId = first.body.orderId as string;

    const again = await activate(iccid, {});
    expect(again.statusCode).toBe(409);
    expect(again.headers['content-type']).toBe('application/problem+json');
    expect(again.body).toEqual(openOrderProblem(iccid, openOrderId, `/v1/sims/${iccid}/activation`));

    const plan = await orderPlan(iccid);
    expect(plan.statusCode).toBe(409);
    expect(plan.headers['content-type']).toBe('application/problem+json');
    expect(plan.body).toEqual(openOrderProblem(iccid, openOrderId, `/v1/sims/${iccid}/plans`));
  });

  it('answers a replay with the same Idempotency-Key with the same open order; another key gets 409', async () => {
    const iccid = nextIccid();
    const key = { 'idempotency-key': `key-${iccid}` };
    const first = await orderPlan(iccid, key);
    expect(first.statusCode).toBe(202);

    const replay = await orderPlan(iccid, key);
    expect(replay.statusCode).toBe(202);
    expect(replay.body).toEqual(first.body);

    const other = await orderPlan(iccid, { 'idempotency-key': `other-${iccid}` });
    expect(other.statusCode).toBe(409);
    expect(other.body.openOrderId).toBe(first.body.orderId);
  });

  it('accepts a new order once the open one is COMPLETED', async () => {
    const iccid = nextIccid();
    const first = await activate(iccid);
    expect((await orderPlan(iccid)).statusCode).toBe(409);
    await complete(first.body.orderId as string);

    const plan = await orderPlan(iccid);
    expect(plan.statusCode).toBe(202);
    expect(plan.body).toMatchObject({ iccid, planId: PLAN, status: 'RECEIVED' });
    expect(plan.body.orderId).not.toBe(first.body.orderId);
  });

  it('queues one activation for ten concurrent requests', async () => {
    const iccid = nextIccid();
    const responses = await Promise.all(Array.from({ length: 10 }, () => activate(iccid)));
    const accepted = responses.filter((response) => response.statusCode === 202);
    expect(accepted).toHaveLength(1);
    const orderId = accepted[0]?.body.orderId;
    const refused = responses.filter((response) => response.statusCode === 409);
    expect(refused.map((response) => response.body.openOrderId)).toEqual(Array(9).fill(orderId));

    const queued: string[] = [];
    for (;;) {
      const { Messages } = await clients.sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: resources.queues.activation.url,
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: 0,
        }),
      );
      if (!Messages?.length) break;
      queued.push(
        ...Messages.map((message) => (JSON.parse(message.Body ?? '{}') as { orderId: string }).orderId),
      );
    }
    expect(queued.filter((id) => id === orderId)).toHaveLength(1);
    expect(await orderStore().findActiveByIccid(iccid)).toEqual([expect.objectContaining({ orderId })]);
  });
});

describe('one open order per SIM, bulk activation', () => {
  it('rejects a SIM with an open order alone, with its openOrderId, beside an invalid SIM', async () => {
    const [free, busy] = [nextIccid(), nextIccid()];
    const open = (await activate(busy)).body.orderId as string;

    const response = await activateMany({ sims: [{ iccid: free }, { iccid: '123' }, { iccid: busy }] });

    expect(response.statusCode).toBe(202);
    expect(response.body.orders).toEqual([{ iccid: free, orderId: expect.any(String), status: 'RECEIVED' }]);
    expect(response.body.rejected).toEqual([
      { index: 1, iccid: '123', errors: [expect.objectContaining({ path: 'body.sims[1].iccid' })] },
      {
        index: 2,
        iccid: busy,
        errors: [{ path: 'body.sims[2].iccid', message: `SIM has an open order ${open}` }],
        openOrderId: open,
      },
    ]);
  });

  it('answers 409 SIM_HAS_OPEN_ORDER with the rejected list when no SIM is accepted', async () => {
    const [busy, alsoBusy] = [nextIccid(), nextIccid()];
    const open = [(await activate(busy)).body.orderId, (await activate(alsoBusy)).body.orderId] as string[];

    const response = await activateMany({ sims: [{ iccid: busy }, { iccid: 'x' }, { iccid: alsoBusy }] });

    expect(response.statusCode).toBe(409);
    expect(response.headers['content-type']).toBe('application/problem+json');
    const busyRejection = (index: number, openOrderId: string) => ({
      index,
      iccid: index === 0 ? busy : alsoBusy,
      errors: [{ path: `body.sims[${index}].iccid`, message: `SIM has an open order ${openOrderId}` }],
      openOrderId,
    });
    expect(response.body).toEqual({
      type: 'urn:problem:sim-has-open-order',
      title: 'SIM_HAS_OPEN_ORDER',
      status: 409,
      detail: expect.stringMatching(
        /^No SIM of this request was accepted: body\.sims\[0\]\.iccid: SIM has an open order/,
      ),
      instance: '/v1/activations',
      errors: [
        { path: 'body.sims[0].iccid', message: `SIM has an open order ${open[0]}` },
        expect.objectContaining({ path: 'body.sims[1].iccid' }),
        { path: 'body.sims[2].iccid', message: `SIM has an open order ${open[1]}` },
      ],
      rejected: [
        busyRejection(0, open[0] as string),
        { index: 1, iccid: 'x', errors: [expect.objectContaining({ path: 'body.sims[1].iccid' })] },
        busyRejection(2, open[1] as string),
      ],
    });
  });

  it('still answers 400 when every SIM is invalid', async () => {
    const response = await activateMany({ sims: [{ iccid: '123' }] });
    expect(response.statusCode).toBe(400);
    expect(response.body).toMatchObject({ type: 'urn:problem:validation' });
    expect(response.body).not.toHaveProperty('rejected');
  });
});

describe('operator actions in the SIMs’ history', () => {
  const actions = async (iccid: string) =>
    (await historyStore().list(iccid, { types: ['operator.action'], limit: 50 })).entries;

  it('files an accepted activation, a refused one and a plan order, each with its outcome', async () => {
    const iccid = nextIccid();
    const first = await activate(iccid);
    const refused = await activate(iccid, { planId: PLAN });
    const plan = await orderPlan(iccid);
    expect([first.statusCode, refused.statusCode, plan.statusCode]).toEqual([202, 409, 409]);

    const entries = await actions(iccid);
    expect(entries).toHaveLength(3);
    const byRoute = (route: string) => entries.filter((entry) => entry.route === route);
    const [accepted, busy] = byRoute('POST /v1/sims/{iccid}/activation').sort(
      (a, b) => (a.outcome?.status ?? 0) - (b.outcome?.status ?? 0),
    );
    expect(accepted).toMatchObject({
      source: 'operator',
      type: 'operator.action',
      actor: 'unknown',
      orderId: first.body.orderId,
      outcome: { status: 202 },
      summary: `activation with plan ${PLAN}: 202`,
      details: { planId: PLAN },
    });
    expect(busy).toMatchObject({
      outcome: { status: 409, title: 'SIM_HAS_OPEN_ORDER' },
      details: { planId: PLAN, openOrderId: first.body.orderId },
    });
    expect(busy?.orderId).toBeUndefined();
    expect(byRoute('POST /v1/sims/{iccid}/plans')).toEqual([
      expect.objectContaining({
        summary: `plan order ${PLAN}: 409 SIM_HAS_OPEN_ORDER`,
        details: { planId: PLAN, openOrderId: first.body.orderId },
      }),
    ]);
  });

  it('files a bulk call under each well-formed SIM: its order, or why it was rejected', async () => {
    const [free, busy] = [nextIccid(), nextIccid()];
    const open = (await activate(busy)).body.orderId as string;
    const response = await activateMany({
      sims: [{ iccid: free }, { iccid: '123' }, { iccid: busy }],
      defaults: { planId: PLAN },
    });
    expect(response.statusCode).toBe(202);
    const [order] = response.body.orders as { orderId: string }[];

    expect(await actions(free)).toEqual([
      expect.objectContaining({
        route: 'POST /v1/activations',
        orderId: order?.orderId,
        summary: `bulk activation of 3 SIMs with plan ${PLAN}: 202`,
        details: { index: 0, planId: PLAN },
      }),
    ]);
    const [bulk] = (await actions(busy)).filter((entry) => entry.route === 'POST /v1/activations');
    expect(bulk).toMatchObject({
      summary: `bulk activation of 3 SIMs with plan ${PLAN}, this SIM rejected: 202`,
      details: {
        index: 2,
        planId: PLAN,
        openOrderId: open,
        rejected: [`body.sims[2].iccid: SIM has an open order ${open}`],
      },
    });
    expect(bulk?.orderId).toBeUndefined();

    // Nothing accepted, for a bad plan: still an action on the SIM.
    const other = nextIccid();
    const bad = await activateMany({ sims: [{ iccid: other, planId: 'bad plan!' }] });
    expect(bad.statusCode).toBe(400);
    expect(await actions(other)).toEqual([
      expect.objectContaining({
        outcome: { status: 400, title: 'Invalid request' },
        summary: 'bulk activation of 1 SIMs with plan bad plan!, this SIM rejected: 400 Invalid request',
        details: {
          index: 0,
          planId: 'bad plan!',
          rejected: [expect.stringMatching(/^body\.sims\[0\]\.planId: /)],
        },
      }),
    ]);
  });
});
