import { beforeEach, describe, expect, it } from 'vitest';
import { MemoryIdempotencyStore } from '#shared/store/idempotency.js';
import { MemoryOrderStore } from '#shared/store/memory-order-store.js';
import { requireApplied } from '#shared/store/order-store.js';
import { BULK_FIRST_CHUNK, BULK_WRITE_CHUNK } from '#shared/workflow/bulk-intake.js';
import {
  acceptBulkActivation,
  acceptOrder,
  type IntakeDeps,
  type OrderOutcome,
} from '#shared/workflow/intake.js';
import type { WorkflowMessage, WorkQueue } from '#shared/workflow/messages.js';

const PLAN = 'IOTC_CAPPED_EU_1GB_1M';

class RecordingQueue implements WorkQueue {
  sent: WorkflowMessage[] = [];
  async send(message: WorkflowMessage): Promise<void> {
    this.sent.push(message);
  }
  async sendMany(messages: readonly WorkflowMessage[]) {
    this.sent.push(...messages);
    return { failed: [] };
  }
}

let store: MemoryOrderStore;
let queue: RecordingQueue;
let deps: IntakeDeps;
let iccidSequence = 0;

/** A distinct SIM per call (the store only checks digits). */
function nextIccid(): string {
  iccidSequence += 1;
  return `89882470000${String(iccidSequence).padStart(8, '0')}`;
}

beforeEach(() => {
  store = new MemoryOrderStore();
  queue = new RecordingQueue();
  deps = { store, idempotency: new MemoryIdempotencyStore(), queue, now: () => new Date() };
});

const activation = (iccid: string, idempotencyKey?: string) =>
  acceptOrder(deps, {
    kind: 'activation',
    iccid,
    planId: PLAN,
    ...(idempotencyKey ? { idempotencyKey } : {}),
  });

function acceptedId(outcome: OrderOutcome): string {
  if (outcome.kind !== 'accepted')
    throw new Error(`expected an accepted order, got ${JSON.stringify(outcome)}`);
  return outcome.value.orderId;
}

async function complete(orderId: string): Promise<void> {
  requireApplied(
    await store.transition(orderId, { from: ['RECEIVED', 'ACTIVATING', 'ACTIVE'], to: 'COMPLETED' }),
  );
}

describe('one open order per SIM', () => {
  it('refuses a second order for a SIM whose order is open, naming it; nothing is written or queued', async () => {
    const iccid = nextIccid();
    const first = acceptedId(await activation(iccid));

    expect(await activation(iccid)).toEqual({ kind: 'sim-busy', iccid, openOrderId: first });
    expect(await acceptOrder(deps, { kind: 'plan', iccid, planId: PLAN })).toEqual({
      kind: 'sim-busy',
      iccid,
      openOrderId: first,
    });

    expect((await store.findActiveByIccid(iccid)).map((order) => order.orderId)).toEqual([first]);
    expect(queue.sent).toEqual([{ orderId: first, step: 'activate' }]);
  });

  it('accepts exactly one of ten concurrent requests without a key', async () => {
    const iccid = nextIccid();
    const outcomes = await Promise.all(Array.from({ length: 10 }, () => activation(iccid)));

    const accepted = outcomes.filter((outcome) => outcome.kind === 'accepted');
    expect(accepted).toHaveLength(1);
    const winner = acceptedId(accepted[0] as OrderOutcome);
    expect(outcomes.filter((outcome) => outcome.kind === 'sim-busy')).toEqual(
      Array.from({ length: 9 }, () => ({ kind: 'sim-busy', iccid, openOrderId: winner })),
    );
    expect(queue.sent).toEqual([{ orderId: winner, step: 'activate' }]);
  });

  it('accepts a plan order once the open order is COMPLETED (or FAILED)', async () => {
    const iccid = nextIccid();
    const first = acceptedId(await activation(iccid));
    await complete(first);

    const plan = await acceptOrder(deps, { kind: 'plan', iccid, planId: PLAN });
    expect(plan).toMatchObject({ kind: 'accepted', value: { iccid, status: 'RECEIVED', planId: PLAN } });
    requireApplied(await store.transition(acceptedId(plan), { from: 'RECEIVED', to: 'FAILED' }));
    expect((await activation(iccid)).kind).toBe('accepted');
  });

  it('gives an Idempotency-Key replay its own order while it is open; another key is refused', async () => {
    const iccid = nextIccid();
    const first = acceptedId(await activation(iccid, 'key-1'));

    const replays = await Promise.all([1, 2, 3].map(() => activation(iccid, 'key-1')));
    expect(replays.map(acceptedId)).toEqual([first, first, first]);
    expect(await activation(iccid, 'key-2')).toEqual({ kind: 'sim-busy', iccid, openOrderId: first });

    await complete(first);
    expect(acceptedId(await activation(iccid, 'key-1'))).toBe(first);
  });

  it('holds back a replayed order whose SIM another order took while its claim was lost', async () => {
    const iccid = nextIccid();
    const lost = acceptedId(await activation(iccid, 'key-lost'));
    // As if the first request died between writing its order and claiming the SIM.
    store.simMarkers.delete(iccid);
    const other = acceptedId(await activation(iccid));
    queue.sent = [];

    expect(await activation(iccid, 'key-lost')).toEqual({ kind: 'sim-busy', iccid, openOrderId: other });
    expect(queue.sent).toEqual([]);

    await complete(other);
    expect(acceptedId(await activation(iccid, 'key-lost'))).toBe(lost);
    expect(await store.findOpenOrderId(iccid)).toBe(lost);
    expect(queue.sent).toEqual([{ orderId: lost, step: 'activate' }]);
  });
});

describe('an open order whose first step was never queued', () => {
  it('is queued again by the refusal of a later request, once it is older than a minute', async () => {
    const iccid = nextIccid();
    const clock = { now: new Date('2026-12-01T10:00:00Z') };
    deps.now = () => clock.now;
    const orderId = acceptedId(await activation(iccid));
    queue.sent = []; // as if the request had died before queueing
    clock.now = new Date(clock.now.getTime() + 30_000);
    expect((await activation(iccid)).kind).toBe('sim-busy');
    expect(queue.sent).toEqual([]); // younger than a minute: its message may still be on its way
    clock.now = new Date(clock.now.getTime() + 31_000);
    expect(await activation(iccid)).toMatchObject({ kind: 'sim-busy', openOrderId: orderId });
    expect(queue.sent).toEqual([{ orderId, step: 'activate' }]);
  });

  it('is left alone once it has moved on', async () => {
    const iccid = nextIccid();
    const clock = { now: new Date('2026-12-01T10:00:00Z') };
    deps.now = () => clock.now;
    const orderId = acceptedId(await activation(iccid));
    requireApplied(await store.transition(orderId, { from: 'RECEIVED', to: 'ACTIVATING' }));
    queue.sent = [];
    clock.now = new Date(clock.now.getTime() + 600_000);
    expect((await activation(iccid)).kind).toBe('sim-busy');
    expect(queue.sent).toEqual([]);
  });
});

describe('bulk activation and open orders', () => {
  it('lists the SIMs with an open order as busy and accepts the others', async () => {
    const [free, busy, alsoFree] = [nextIccid(), nextIccid(), nextIccid()];
    const open = acceptedId(await activation(busy));
    queue.sent = [];

    const outcome = await acceptBulkActivation(deps, [{ iccid: free }, { iccid: busy }, { iccid: alsoFree }]);

    if (outcome.kind !== 'accepted') throw new Error('expected accepted');
    expect(outcome.value.busy).toEqual([{ index: 1, iccid: busy, openOrderId: open }]);
    expect(outcome.value.orders.map((order) => order.iccid)).toEqual([free, alsoFree]);
    expect(queue.sent.map((message) => message.orderId)).toEqual(
      outcome.value.orders.map((order) => order.orderId),
    );
    expect((await store.findActiveByIccid(busy)).map((order) => order.orderId)).toEqual([open]);
  });

  it('lists every SIM as busy when all have an open order, and queues nothing', async () => {
    const iccids = [nextIccid(), nextIccid()];
    const open = await Promise.all(iccids.map(async (iccid) => acceptedId(await activation(iccid))));
    queue.sent = [];

    const outcome = await acceptBulkActivation(
      deps,
      iccids.map((iccid) => ({ iccid })),
    );

    expect(outcome).toEqual({
      kind: 'accepted',
      value: {
        orders: [],
        busy: iccids.map((iccid, index) => ({ index, iccid, openOrderId: open[index] })),
      },
    });
    expect(queue.sent).toEqual([]);
  });

  it('queues the first chunk of a bulk call before it writes the next; a replay after a failure finishes it', async () => {
    const items = Array.from({ length: BULK_FIRST_CHUNK + BULK_WRITE_CHUNK + 5 }, () => ({
      iccid: nextIccid(),
    }));
    const events: string[] = [];
    const createMany = store.createMany.bind(store);
    let failNext = false;
    store.createMany = async (orders) => {
      if (failNext) throw new Error('DynamoDB is away');
      events.push(`write ${orders.length}`);
      return createMany(orders);
    };
    const sendMany = queue.sendMany.bind(queue);
    queue.sendMany = async (messages) => {
      events.push(`queue ${messages.length}`);
      failNext = events.length === 4; // the third chunk's write fails
      return sendMany(messages);
    };

    await expect(acceptBulkActivation(deps, items, 'chunked')).rejects.toThrow('DynamoDB is away');
    expect(events).toEqual([
      `write ${BULK_FIRST_CHUNK}`,
      `queue ${BULK_FIRST_CHUNK}`,
      `write ${BULK_WRITE_CHUNK}`,
      `queue ${BULK_WRITE_CHUNK}`,
    ]);
    expect(queue.sent).toHaveLength(BULK_FIRST_CHUNK + BULK_WRITE_CHUNK);

    failNext = false;
    const replay = await acceptBulkActivation(deps, items, 'chunked');
    if (replay.kind !== 'accepted') throw new Error('expected accepted');
    expect(replay.value.busy).toEqual([]);
    expect(replay.value.orders.map((order) => order.iccid)).toEqual(items.map((item) => item.iccid));
    // Every order queued at least once (a second message for a RECEIVED order is a no-op).
    expect(new Set(queue.sent.map((message) => message.orderId))).toEqual(
      new Set(replay.value.orders.map((order) => order.orderId)),
    );
  });

  it('replays a keyed bulk: the same orders for the SIMs it took, the busy SIM refused again until it is free', async () => {
    const [free, busy] = [nextIccid(), nextIccid()];
    const open = acceptedId(await activation(busy));
    const items = [{ iccid: free }, { iccid: busy }];

    const first = await acceptBulkActivation(deps, items, 'bulk-key');
    const again = await acceptBulkActivation(deps, items, 'bulk-key');
    expect(again).toEqual(first);
    if (again.kind !== 'accepted') throw new Error('expected accepted');
    expect(again.value.busy).toEqual([{ index: 1, iccid: busy, openOrderId: open }]);

    await complete(open);
    const later = await acceptBulkActivation(deps, items, 'bulk-key');
    if (later.kind !== 'accepted') throw new Error('expected accepted');
    expect(later.value.busy).toEqual([]);
    expect(later.value.orders.map((order) => order.iccid)).toEqual([free, busy]);
    expect(later.value.orders[0]?.orderId).toBe(again.value.orders[0]?.orderId);
  });
});
