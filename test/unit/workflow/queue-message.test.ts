import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toWireMessages } from '#shared/wiring/work-queue.js';
import { MAX_CHECK_GROUP, workflowSteps } from '#shared/workflow/messages.js';
import { forEachOrderIn, orderIdsIn, queueMessageSchema } from '#shared/workflow/queue-message.js';
import * as z from '#shared/zod.js';

const orderId = fc.string({ minLength: 1, maxLength: 100 });
const step = fc.constantFrom(...workflowSteps);
const paths = (value: unknown) =>
  (z.safeParse(queueMessageSchema, value).error?.issues ?? []).map((issue) => issue.path.join('.'));

describe('queue messages', () => {
  it('accept one order with any step, or a group of 1 to 10 status checks', () => {
    fc.assert(
      fc.property(orderId, step, (id, anyStep) => {
        const message = { orderId: id, step: anyStep };
        return z.safeParse(queueMessageSchema, message).success && orderIdsIn(message).join() === id;
      }),
    );
    fc.assert(
      fc.property(fc.array(orderId, { minLength: 1, maxLength: MAX_CHECK_GROUP }), (ids) => {
        const message = { step: 'await-activation' as const, orderIds: ids };
        return z.safeParse(queueMessageSchema, message).success && orderIdsIn(message) === ids;
      }),
    );
  });

  it('refuse a message naming both or neither, a group of another step, or an empty or oversized group', () => {
    fc.assert(
      fc.property(orderId, step, (id, anyStep) => {
        const both = paths({ step: anyStep, orderId: id, orderIds: [id] });
        const neither = paths({ step: anyStep });
        return both.includes('orderId') && neither.includes('orderId');
      }),
    );
    expect(paths({ step: 'order-plan', orderIds: ['a', 'b'] })).toEqual(['orderIds']);
    expect(paths({ step: 'await-activation', orderIds: [] })).toEqual(['orderIds']);
    expect(paths({ step: 'await-activation', orderIds: Array(MAX_CHECK_GROUP + 1).fill('a') })).toEqual([
      'orderIds',
    ]);
  });

  it('run every order of a group, then rethrow the first failure, or all of several', async () => {
    const ran: string[] = [];
    const group = { step: 'await-activation' as const, orderIds: ['a', 'b', 'c'] };
    await expect(
      forEachOrderIn(group, async (id) => {
        ran.push(id);
        if (id === 'b') throw new Error('b failed');
      }),
    ).rejects.toThrow('b failed');
    expect(ran).toEqual(['a', 'b', 'c']);
    const several = forEachOrderIn(group, async (id) => {
      if (id !== 'b') throw new Error(`${id} failed`);
    });
    await expect(several).rejects.toBeInstanceOf(AggregateError);
    await expect(several).rejects.toThrow('2 orders of the message failed');
  });
});

describe('messages on the wire', () => {
  const held = (
    id: string,
    stepName: (typeof workflowSteps)[number],
    delaySeconds: number,
    url = 'plan',
  ) => ({
    url,
    message: { orderId: id, step: stepName },
    delaySeconds,
  });

  it('group status checks by queue and delay, ten a message; every other step goes alone', () => {
    const entries = [
      held('p1', 'order-plan', 0),
      ...Array.from({ length: 12 }, (_, i) => held(`c${i}`, 'await-activation', 5)),
      held('late', 'await-activation', 30),
      held('elsewhere', 'await-activation', 5, 'other'),
      held('p2', 'order-plan', 0),
    ];
    const wire = toWireMessages(entries);
    expect(wire.map(({ url, body, delaySeconds }) => ({ url, body, delaySeconds }))).toEqual([
      { url: 'plan', body: { orderId: 'p1', step: 'order-plan' }, delaySeconds: 0 },
      { url: 'plan', body: { orderId: 'p2', step: 'order-plan' }, delaySeconds: 0 },
      {
        url: 'plan',
        body: { step: 'await-activation', orderIds: Array.from({ length: 10 }, (_, i) => `c${i}`) },
        delaySeconds: 5,
      },
      { url: 'plan', body: { step: 'await-activation', orderIds: ['c10', 'c11'] }, delaySeconds: 5 },
      { url: 'plan', body: { orderId: 'late', step: 'await-activation' }, delaySeconds: 30 },
      { url: 'other', body: { orderId: 'elsewhere', step: 'await-activation' }, delaySeconds: 5 },
    ]);
    // Each entry goes out exactly once, and every body is a valid queue message.
    const ids = (list: { message: { orderId: string } }[]) =>
      list.map((entry) => entry.message.orderId).sort();
    expect(ids(wire.flatMap((message) => message.members))).toEqual(ids(entries));
    for (const message of wire) expect(z.safeParse(queueMessageSchema, message.body).success).toBe(true);
  });
});
