import { describe, expect, it } from 'vitest';
import { MemoryOrderStore } from '#shared/store/memory-order-store.js';
import { newOrder } from '#shared/store/order.js';
import type { Subscriber } from '#shared/transatel/connectivity.js';
import { TransatelApiError } from '#shared/transatel/errors.js';
import { runActivationStep } from '#shared/workflow/activation-step.js';
import type { WorkflowSettings, WorkflowTransatel } from '#shared/workflow/deps.js';
import { RecordingQueue } from '#test/support/recording-queue.js';

const settings: WorkflowSettings = {
  activationDeadlineSeconds: 600,
  firstPollDelaySeconds: 5,
  claimLeaseSeconds: 60,
};
const T0 = new Date('2026-12-06T10:00:00Z');
const ICCID = '8988247000000000001';

const notReady = new TransatelApiError({
  operation: 'activate',
  status: 400,
  title: 'Bad Request',
  detail: 'Subscriber is not ready for activation (status: Active)',
});
const unavailable = new TransatelApiError({
  operation: 'getSubscriber',
  status: 503,
  title: 'Service Unavailable',
});
const active = { iccid: ICCID, msisdn: '882470000000001', status: 'Active' } as unknown as Subscriber;

/** An activation order on an Active SIM; Transatel refuses to activate it, and the reads answer `reads` in turn. */
async function refusedActivation(activateFirst: boolean, reads: (() => Promise<Subscriber>)[]) {
  const store = new MemoryOrderStore();
  const queue = new RecordingQueue();
  const order = newOrder(
    {
      kind: 'activation',
      iccid: ICCID,
      planId: 'P',
      ...(activateFirst ? { activateFirst: true as const } : {}),
    },
    T0,
  );
  await store.create(order);
  const connectivity = {
    activate: async () => {
      throw notReady;
    },
    getSubscriber: async () => {
      const read = reads.shift();
      if (!read) throw new Error('no more reads scripted');
      return read();
    },
  };
  const deps = {
    store,
    queue,
    transatel: { connectivity } as unknown as Pick<WorkflowTransatel, 'connectivity'>,
    settings,
    now: () => T0,
    logger: { info: () => {}, warn: () => {} },
  };
  return { deps, order, store, queue };
}

describe('the activation step, when Transatel refuses to activate', () => {
  it('retries a bulk order whose SIM cannot be read for now, then routes it by what the read says', async () => {
    const { deps, order, store, queue } = await refusedActivation(true, [
      async () => {
        throw unavailable;
      },
      async () => active,
    ]);
    await expect(runActivationStep(deps, order.orderId)).rejects.toBe(unavailable);
    expect((await store.get(order.orderId))?.status).toBe('RECEIVED');

    await runActivationStep(deps, order.orderId);
    expect((await store.get(order.orderId))?.status).toBe('ACTIVE');
    expect(queue.take()).toEqual([
      { message: { orderId: order.orderId, step: 'order-plan' }, delaySeconds: 0 },
    ]);
  });

  it('lets the refusal stand for an order whose SIM was read Available first', async () => {
    const { deps, order, store } = await refusedActivation(false, [
      async () => ({ ...active, status: 'Available' }) as Subscriber,
      async () => {
        throw unavailable;
      },
    ]);
    await runActivationStep(deps, order.orderId);
    expect(await store.get(order.orderId)).toMatchObject({
      status: 'FAILED',
      failure: { detail: expect.stringContaining('not ready for activation') },
    });
  });
});
