import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as z from 'zod';
import type { Outbox, OutboxSender } from '#shared/lambda/outbox.js';
import { sqsHandler } from '#shared/lambda/sqs.js';
import { type CaptureLogs, captureLogs } from '#test/support/log-capture.js';
import { lambdaContext, sqsEvent, sqsRecord } from './lambda-fixtures.js';

const stepMessage = z.object({ orderId: z.string().min(1) });

let logs: CaptureLogs;
beforeEach(() => {
  logs = captureLogs();
});
afterEach(() => logs.restore());

/** A sender that records each flush, refusing the entries `refuse` names (or throwing). */
function recordingSender(refuse: (entry: string) => boolean = () => false, fail = false) {
  const flushes: string[][] = [];
  const sender: OutboxSender<string> = {
    async sendHeld(entries) {
      flushes.push([...entries]);
      if (fail) throw new Error('SQS is down');
      return entries.filter(refuse);
    },
  };
  /** As SqsWorkQueue.holdIn: held in the batch's outbox when there is one, sent at once otherwise. */
  const send = async (entry: string, outbox?: Outbox) => {
    if (outbox?.hold(sender, entry)) return;
    flushes.push([entry]);
  };
  return { flushes, send };
}

const records = (...orderIds: string[]) =>
  sqsEvent(orderIds.map((orderId, index) => sqsRecord(JSON.stringify({ orderId }), `m-${index + 1}`)));

describe('sqsHandler with holdSends', () => {
  it('sends what the records queued in one flush, after the last record ran', async () => {
    const sender = recordingSender();
    const ran: string[] = [];
    const handler = sqsHandler(
      stepMessage,
      async ({ orderId }, _record, _context, { outbox }) => {
        ran.push(`${orderId} ran, ${sender.flushes.length} flushes so far`);
        await sender.send(`${orderId}:next`, outbox);
      },
      { holdSends: true },
    );
    expect(await handler(records('o-1', 'o-2', 'o-3'), lambdaContext())).toEqual({ batchItemFailures: [] });
    expect(ran).toEqual([
      'o-1 ran, 0 flushes so far',
      'o-2 ran, 0 flushes so far',
      'o-3 ran, 0 flushes so far',
    ]);
    expect(sender.flushes).toEqual([['o-1:next', 'o-2:next', 'o-3:next']]);
  });

  it('reports the record whose message was refused, and only it', async () => {
    const sender = recordingSender((entry) => entry === 'o-2:next');
    const handler = sqsHandler(
      stepMessage,
      async ({ orderId }, _record, _context, { outbox }) => sender.send(`${orderId}:next`, outbox),
      { holdSends: true },
    );
    expect(await handler(records('o-1', 'o-2', 'o-3'), lambdaContext())).toEqual({
      batchItemFailures: [{ itemIdentifier: 'm-2' }],
    });
    expect(
      logs.lines().some((line) => line.message?.toString().startsWith('steps could not be queued')),
    ).toBe(true);
  });

  it('reports every record with a message held when the sender fails, once each', async () => {
    const sender = recordingSender(undefined, true);
    const handler = sqsHandler(
      stepMessage,
      async ({ orderId }, _record, _context, { outbox }) => {
        if (orderId === 'o-2') return;
        await sender.send(`${orderId}:next`, outbox);
        if (orderId === 'o-3') throw new Error('Transatel is down');
      },
      { holdSends: true },
    );
    expect(await handler(records('o-1', 'o-2', 'o-3'), lambdaContext())).toEqual({
      batchItemFailures: [{ itemIdentifier: 'm-3' }, { itemIdentifier: 'm-1' }],
    });
    // What a failing record queued before it failed is sent too, as it would have been at once.
    expect(sender.flushes).toEqual([['o-1:next', 'o-3:next']]);
  });

  it('keeps concurrent batches apart', async () => {
    const sender = recordingSender();
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const handler = sqsHandler(
      stepMessage,
      async ({ orderId }, _record, _context, { outbox }) => {
        await sender.send(`${orderId}:next`, outbox);
        if (orderId === 'slow') await gate;
      },
      { holdSends: true },
    );
    const slow = handler(records('slow'), lambdaContext());
    await handler(records('fast-1', 'fast-2'), lambdaContext());
    expect(sender.flushes).toEqual([['fast-1:next', 'fast-2:next']]);
    release();
    await slow;
    expect(sender.flushes).toEqual([['fast-1:next', 'fast-2:next'], ['slow:next']]);
  });

  it('gives the handler no outbox without holdSends: sends go at once', async () => {
    const sender = recordingSender();
    const handler = sqsHandler(stepMessage, async ({ orderId }, _record, _context, { outbox }) => {
      expect(outbox).toBeUndefined();
      await sender.send(`${orderId}:next`, outbox);
      expect(sender.flushes.length).toBeGreaterThan(0);
    });
    await handler(records('o-1', 'o-2'), lambdaContext());
    expect(sender.flushes).toEqual([['o-1:next'], ['o-2:next']]);
  });

  it('sends entries held afterSends last, and drops those of records whose other entries were refused', async () => {
    const order: string[] = [];
    const steps: OutboxSender<string> = {
      async sendHeld(entries) {
        order.push(`steps ${entries.join(' ')}`);
        return entries.filter((entry) => entry === 'o-2:next');
      },
    };
    const dropped: string[] = [];
    const completions: OutboxSender<string> = {
      async sendHeld(entries) {
        order.push(`completions ${entries.join(' ')}`);
        return entries.filter((entry) => entry === 'o-3:done');
      },
      async dropHeld(entries) {
        dropped.push(...entries);
      },
    };
    const handler = sqsHandler(
      stepMessage,
      async ({ orderId }, _record, _context, { outbox }) => {
        // Held first, sent last.
        outbox?.hold(completions, `${orderId}:done`, { afterSends: true });
        outbox?.hold(steps, `${orderId}:next`);
      },
      { holdSends: true },
    );
    expect(await handler(records('o-1', 'o-2', 'o-3'), lambdaContext())).toEqual({
      batchItemFailures: [{ itemIdentifier: 'm-2' }, { itemIdentifier: 'm-3' }],
    });
    expect(order).toEqual(['steps o-1:next o-2:next o-3:next', 'completions o-1:done o-3:done']);
    expect(dropped).toEqual(['o-2:done']);
  });
});
