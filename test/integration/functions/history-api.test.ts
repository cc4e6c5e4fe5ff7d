import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handler } from '#functions/history-api/handler.js';
import { historyTableDefinition } from '#shared/store/dynamo-history-store.js';
import { ordersTableDefinition } from '#shared/store/dynamo-order-store.js';
import type { HistoryEntry } from '#shared/store/history.js';
import { encodeHistoryCursor } from '#shared/store/history-keys.js';
import { newOrder } from '#shared/store/order.js';
import { requireApplied } from '#shared/store/order-store.js';
import { luhnCheckDigit } from '#shared/transatel/identifiers.js';
import { orderStore } from '#shared/wiring/clients/dynamo.js';
import { historyStore } from '#shared/wiring/clients/history.js';
import { type LocalDynamo, startLocalDynamo } from '#test/integration/store/dynalite-server.js';
import { invoke } from '#test/support/api-event.js';
import { type CaptureLogs, captureLogs } from '#test/support/log-capture.js';

/** GET /v1/sims/{iccid}/events over dynalite: the history table and the orders, merged. */

let dynamo: LocalDynamo;
let logs: CaptureLogs;
const saved: Record<string, string | undefined> = {};

beforeAll(async () => {
  logs = captureLogs();
  dynamo = await startLocalDynamo();
  await dynamo.createTable(historyTableDefinition, 'history-api-history');
  await dynamo.createTable(ordersTableDefinition, 'history-api-orders');
  const env = {
    AWS_ENDPOINT_URL: dynamo.endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    HISTORY_TABLE_NAME: 'history-api-history',
    ORDERS_TABLE_NAME: 'history-api-orders',
    HISTORY_RETENTION_DAYS: '30',
  };
  for (const [name, value] of Object.entries(env)) {
    saved[name] = process.env[name];
    process.env[name] = value;
  }
});

afterAll(async () => {
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  await dynamo?.close();
  logs.restore();
});

let simIndex = 0;
function nextIccid(): string {
  simIndex += 1;
  const payload = `898824799${String(simIndex).padStart(9, '0')}`;
  return payload + luhnCheckDigit(payload);
}

interface EventsPage {
  iccid: string;
  events: HistoryEntry[];
  nextCursor?: string;
}

const events = (iccid: string, query: Record<string, string> = {}) =>
  invoke<EventsPage>(handler, {
    routeKey: 'GET /v1/sims/{iccid}/events',
    pathParameters: { iccid },
    queryStringParameters: query,
  });

const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000);

/** A SIM with two Transatel events, an operator action and a completed order, spread over the last hour. */
async function aSimWithHistory() {
  const iccid = nextIccid();
  const order = newOrder({ kind: 'activation', iccid, planId: 'IOTC_CAPPED_EU_1GB_1M' }, minutesAgo(50));
  await orderStore().create(order);
  requireApplied(
    await orderStore().transition(order.orderId, {
      from: 'RECEIVED',
      to: 'ACTIVATING',
      note: 'activation requested',
      at: minutesAgo(40),
    }),
  );
  requireApplied(
    await orderStore().transition(order.orderId, {
      from: 'ACTIVATING',
      to: 'COMPLETED',
      note: 'plan subscribed',
      at: minutesAgo(20),
    }),
  );
  const entry = (minutes: number, id: string, fields: Partial<HistoryEntry>): HistoryEntry => ({
    iccid,
    at: minutesAgo(minutes).toISOString(),
    id,
    source: 'transatel',
    type: 'sim.activated',
    summary: id,
    ...fields,
  });
  await historyStore().append([
    entry(55, 'req-1', {
      source: 'operator',
      type: 'operator.action',
      actor: 'local',
      outcome: { status: 202 },
    }),
    entry(30, 'evt-activated', { eventId: 'evt-activated' }),
    entry(10, 'evt-plan', { type: 'plan.activated', eventId: 'evt-plan' }),
    // Older than the 30 days kept, and not yet swept by DynamoDB's TTL: not shown.
    entry(31 * 24 * 60, 'evt-ancient', {}),
  ]);
  return { iccid, order };
}

describe('GET /v1/sims/{iccid}/events', () => {
  it('answers the SIM’s history newest first: events, order steps and operator actions', async () => {
    const { iccid, order } = await aSimWithHistory();
    const response = await events(iccid);
    expect(response.statusCode).toBe(200);
    expect(response.body.iccid).toBe(iccid);
    expect(response.body.nextCursor).toBeUndefined();
    expect(response.body.events.map((event) => [event.source, event.type, event.id])).toEqual([
      ['transatel', 'plan.activated', 'evt-plan'],
      ['order', 'order.COMPLETED', `${order.orderId}#2`],
      ['transatel', 'sim.activated', 'evt-activated'],
      ['order', 'order.ACTIVATING', `${order.orderId}#1`],
      ['order', 'order.RECEIVED', `${order.orderId}#0`],
      ['operator', 'operator.action', 'req-1'],
    ]);
    expect(response.body.events[1]).toEqual({
      iccid,
      at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      id: `${order.orderId}#2`,
      source: 'order',
      type: 'order.COMPLETED',
      summary: 'plan subscribed',
      orderId: order.orderId,
      details: { kind: 'activation', planId: 'IOTC_CAPPED_EU_1GB_1M' },
    });
    expect((await events(nextIccid())).body).toEqual({ iccid: expect.any(String), events: [] });
  });

  it('pages with limit and cursor through every entry once; filters by type and time window', async () => {
    const { iccid } = await aSimWithHistory();
    const all = (await events(iccid)).body.events;
    const walked: HistoryEntry[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await events(iccid, { limit: '2', ...(cursor ? { cursor } : {}) });
      expect(page.statusCode).toBe(200);
      expect(page.body.events.length).toBeLessThanOrEqual(2);
      walked.push(...page.body.events);
      cursor = page.body.nextCursor;
      pages += 1;
    } while (cursor && pages < 10);
    expect(pages).toBe(3);
    expect(walked).toEqual(all);

    const typed = await events(iccid, { type: 'order.COMPLETED,plan.activated' });
    expect(typed.body.events.map((event) => event.type)).toEqual(['plan.activated', 'order.COMPLETED']);
    const window = await events(iccid, {
      from: minutesAgo(45).toISOString(),
      to: minutesAgo(15).toISOString(),
    });
    expect(window.body.events.map((event) => event.type)).toEqual([
      'order.COMPLETED',
      'sim.activated',
      'order.ACTIVATING',
    ]);
  });

  it.each([
    [{}, 'params.iccid', '8988247000000000002'],
    [{ from: 'yesterday' }, 'query.from', undefined],
    [{ to: '2026-13-01' }, 'query.to', undefined],
    [{ from: '2026-06-02', to: '2026-06-01' }, 'query.from', undefined],
    [{ limit: '0' }, 'query.limit', undefined],
    [{ limit: '201' }, 'query.limit', undefined],
    [{ limit: 'many' }, 'query.limit', undefined],
    [{ type: 'sim.activated,,x' }, 'query.type', undefined],
    [{ cursor: 'not-a-cursor' }, 'query.cursor', undefined],
    [{ cursor: encodeHistoryCursor({ at: 'yesterday', id: 'x' }) }, 'query.cursor', undefined],
    [{ page: '2' }, 'query', undefined],
  ])('answers 400 naming the field for %j', async (query, path, iccid) => {
    const response = await events(iccid ?? nextIccid(), query as Record<string, string>);
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toBe('application/problem+json');
    expect(JSON.stringify(response.body)).toContain(`"path":"${path}`);
  });
});
