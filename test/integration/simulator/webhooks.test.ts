import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type RunningSimulator, SIGNATURE_HEADER, signBody } from '#local/simulator/index.js';
import {
  adminClient,
  type Receiver,
  startReceiver,
  startTestSim,
  verifySignature,
  waitFor,
} from './helpers.js';

interface EventView {
  eventId: string;
  eventType: string;
  deliveries: {
    targetId: string;
    status: string;
    attempts: number;
    duplicate: boolean;
    lastStatusCode?: number;
  }[];
}

describe('simulator webhooks', () => {
  const open: { close(): Promise<void> }[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((o) => o.close()));
  });

  async function setup(opts: Parameters<typeof startTestSim>[0] = {}): Promise<[RunningSimulator, Receiver]> {
    const receiver = await startReceiver('s3cret');
    const sim = await startTestSim({
      ...opts,
      webhooks: {
        targets: [{ url: receiver.url, secret: 's3cret' }],
        retryScheduleMs: [20, 20, 20],
        ...opts.webhooks,
      },
    });
    open.push(sim, receiver);
    return [sim, receiver];
  }

  const sendTest = (sim: RunningSimulator, n: number) =>
    adminClient(sim)<{ header: { eventId: string } }>('POST', '/webhooks/test', {
      eventType: 'NETWORK/SMS/RECEIVED',
      body: { n },
    });

  it('signs the exact raw body with HMAC-SHA256', async () => {
    const [sim, receiver] = await setup();
    const sent = await sendTest(sim, 1);
    expect(sent.status).toBe(202);
    await waitFor(() => receiver.received.length === 1);
    const got = receiver.received[0];
    expect(got?.headers[SIGNATURE_HEADER.toLowerCase()]).toBe(signBody('s3cret', got?.raw ?? ''));
    expect(verifySignature('s3cret', got?.raw ?? '', got?.headers[SIGNATURE_HEADER.toLowerCase()])).toBe(
      true,
    );
    expect(got?.event).toMatchObject({
      header: { eventId: sent.body.header.eventId, eventType: 'NETWORK/SMS/RECEIVED' },
      body: { n: 1 },
    });
  });

  it('retries on 500 and stops once delivered', async () => {
    const [sim, receiver] = await setup();
    receiver.respond = (attempt) => (attempt < 3 ? 500 : 204);
    const sent = await sendTest(sim, 1);
    await waitFor(() => sim.counters().webhooks.delivered === 1);
    expect(receiver.received.map((r) => r.answered)).toEqual([500, 500, 204]);
    expect(new Set(receiver.received.map((r) => r.event.header.eventId))).toEqual(
      new Set([sent.body.header.eventId]),
    );
    expect(sim.counters().webhooks).toMatchObject({
      emitted: 1,
      attempts: 3,
      delivered: 1,
      failed: 0,
      pending: 0,
    });
    const events = await adminClient(sim)<{ events: EventView[] }>('GET', '/events');
    expect(events.body.events[0]?.deliveries[0]).toMatchObject({
      status: 'delivered',
      attempts: 3,
      lastStatusCode: 204,
    });
  });

  it('suspends the target after the retry schedule is exhausted', async () => {
    const [sim, receiver] = await setup();
    receiver.respond = () => 503;
    await sendTest(sim, 1);
    await waitFor(() => sim.counters().webhooks.failed === 1);
    expect(receiver.received).toHaveLength(4);
    const targets = await adminClient(sim)<{ targets: { id: string; status: string; secret?: string }[] }>(
      'GET',
      '/webhooks',
    );
    expect(targets.body.targets[0]).toMatchObject({ status: 'suspended' });
    expect(targets.body.targets[0]).not.toHaveProperty('secret');
    // A suspended target gets nothing until re-activated.
    receiver.respond = () => 204;
    await sendTest(sim, 2);
    await new Promise((r) => setTimeout(r, 50));
    expect(receiver.received).toHaveLength(4);
    await adminClient(sim)('PATCH', `/webhooks/${targets.body.targets[0]?.id}`, { status: 'active' });
    await sendTest(sim, 3);
    await waitFor(() => receiver.received.length === 5);
  });

  it('signs with the secret a target is given at runtime (a rotation), and never shows it', async () => {
    const [sim, receiver] = await setup();
    const admin = adminClient(sim);
    const targets = await admin<{ targets: { id: string }[] }>('GET', '/webhooks');
    const id = targets.body.targets[0]?.id;
    const patched = await admin('PATCH', `/webhooks/${id}`, { secret: 's3cret-rotated' });
    expect(patched).toMatchObject({ status: 200, body: { id, status: 'active' } });
    expect(JSON.stringify(patched.body)).not.toContain('s3cret');
    await sendTest(sim, 1);
    await waitFor(() => receiver.received.length === 1);
    const got = receiver.received[0];
    expect(got?.headers[SIGNATURE_HEADER.toLowerCase()]).toBe(signBody('s3cret-rotated', got?.raw ?? ''));
    expect((await admin('PATCH', `/webhooks/${id}`, {})).status).toBe(400);
    expect((await admin('PATCH', '/webhooks/wh-404', { secret: 'x' })).status).toBe(404);
  });

  it('honours per-target event filters and runtime targets', async () => {
    const [sim, receiver] = await setup({ webhooks: { targets: [] } });
    const admin = adminClient(sim);
    const added = await admin<{ id: string }>('POST', '/webhooks', {
      url: receiver.url,
      secret: 's3cret',
      events: ['A/B'],
    });
    expect(added.status).toBe(201);
    await admin('POST', '/webhooks/test', { eventType: 'X/Y' });
    await admin('POST', '/webhooks/test', { eventType: 'A/B' });
    await waitFor(() => receiver.received.length === 1);
    await new Promise((r) => setTimeout(r, 30));
    expect(receiver.received.map((r) => r.event.header.eventType)).toEqual(['A/B']);
    expect((await admin('DELETE', `/webhooks/${added.body.id}`)).status).toBe(204);
    expect((await admin('DELETE', `/webhooks/${added.body.id}`)).status).toBe(404);
  });

  it('fault: drops events (never delivered)', async () => {
    const [sim, receiver] = await setup({ faults: { webhooks: { dropRate: 1 } } });
    await sendTest(sim, 1);
    await sendTest(sim, 2);
    await new Promise((r) => setTimeout(r, 50));
    expect(receiver.received).toHaveLength(0);
    expect(sim.counters().webhooks).toMatchObject({ emitted: 2, dropped: 2, attempts: 0, pending: 0 });
  });

  it('fault: duplicates events (same eventId twice)', async () => {
    const [sim, receiver] = await setup({ faults: { webhooks: { duplicateRate: 1 } } });
    const sent = await sendTest(sim, 1);
    // The receiver records a delivery before replying; the simulator counts it once the reply is in.
    await waitFor(() => sim.counters().webhooks.delivered === 2);
    expect(receiver.received.map((r) => r.event.header.eventId)).toEqual([
      sent.body.header.eventId,
      sent.body.header.eventId,
    ]);
    expect(sim.counters().webhooks).toMatchObject({ duplicated: 1, delivered: 2 });
  });

  it('fault: reorders an event behind a later one', async () => {
    const [sim, receiver] = await setup();
    sim.setFaults({ webhooks: { reorderRate: 1, reorderMaxHoldMs: 5000 } });
    await sendTest(sim, 1);
    await new Promise((r) => setTimeout(r, 30));
    expect(receiver.received).toHaveLength(0);
    sim.setFaults({});
    await sendTest(sim, 2);
    await waitFor(() => receiver.received.length === 2);
    expect(receiver.received.map((r) => r.event.body.n)).toEqual([2, 1]);
    expect(sim.counters().webhooks.reordered).toBe(1);
  });

  it('fault: a held event is released after reorderMaxHoldMs if nothing follows', async () => {
    const [sim, receiver] = await setup({ faults: { webhooks: { reorderRate: 1, reorderMaxHoldMs: 200 } } });
    await sendTest(sim, 1);
    expect(sim.counters().webhooks.pending).toBe(1);
    await waitFor(() => receiver.received.length === 1);
  });

  it('fault: delays deliveries', async () => {
    const [sim, receiver] = await setup({ faults: { webhooks: { delayMs: 150 } } });
    const started = Date.now();
    await sendTest(sim, 1);
    await waitFor(() => receiver.received.length === 1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('retries on network errors (unreachable target)', async () => {
    const dead = await startReceiver();
    const url = dead.url;
    await dead.close();
    const sim = await startTestSim({ webhooks: { targets: [{ url, secret: 'x' }], retryScheduleMs: [10] } });
    open.push(sim);
    await adminClient(sim)('POST', '/webhooks/test', { eventType: 'X/Y' });
    await waitFor(() => sim.counters().webhooks.failed === 1);
    expect(sim.counters().webhooks.attempts).toBe(2);
  });

  it('treats a target that never answers within timeoutMs as a failed attempt', async () => {
    let hits = 0;
    const silent = createServer(() => {
      hits += 1;
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    open.push({
      close: () =>
        new Promise<void>((resolve) => {
          silent.close(() => resolve());
          silent.closeAllConnections();
        }),
    });
    const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}/hook`;
    const sim = await startTestSim({
      webhooks: { targets: [{ url, secret: 'x' }], retryScheduleMs: [10], timeoutMs: 50 },
    });
    open.unshift(sim);
    await adminClient(sim)('POST', '/webhooks/test', { eventType: 'X/Y' });
    await waitFor(() => sim.counters().webhooks.failed === 1);
    expect(hits).toBe(2);
    const events = await adminClient(sim)<{ events: EventView[] }>('GET', '/events');
    expect(events.body.events[0]?.deliveries[0]).toMatchObject({ status: 'failed', attempts: 2 });
  });
});
