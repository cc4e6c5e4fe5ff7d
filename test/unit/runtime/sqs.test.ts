import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { logger } from '#shared/lambda/logger.js';
import { sqsHandler } from '#shared/lambda/sqs.js';
import { type CaptureLogs, captureLogs } from '#test/support/log-capture.js';
import { lambdaContext, sqsEvent, sqsRecord } from './lambda-fixtures.js';

const stepMessage = z.object({
  orderId: z.string().min(1),
  step: z.enum(['activate', 'subscribe']),
});

let logs: CaptureLogs;
beforeEach(() => {
  logs = captureLogs();
  logger.setLogLevel('INFO');
});
afterEach(() => logs.restore());

describe('sqsHandler', () => {
  it('reports only the bad records among good ones', async () => {
    const handled: string[] = [];
    const handler = sqsHandler(stepMessage, async (message) => {
      handled.push(`${message.orderId}:${message.step}`);
    });

    const response = await handler(
      sqsEvent([
        sqsRecord(JSON.stringify({ orderId: 'o-1', step: 'activate' }), 'm-1'),
        sqsRecord(JSON.stringify({ orderId: 'o-2', step: 'dance' }), 'm-2', '3'),
        sqsRecord(JSON.stringify({ orderId: 'o-3', step: 'subscribe' }), 'm-3'),
        sqsRecord('not json', 'm-4'),
      ]),
      lambdaContext(),
    );

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-2' }, { itemIdentifier: 'm-4' }] });
    expect(handled).toEqual(['o-1:activate', 'o-3:subscribe']);

    const poison = logs
      .lines()
      .filter((line) => line.message === 'poison message: rejected until it reaches the DLQ');
    expect(poison).toHaveLength(2);
    expect(poison[0]).toMatchObject({
      level: 'ERROR',
      messageId: 'm-2',
      receiveCount: '3',
      orderId: 'o-2',
      issues: [{ path: 'body.step', message: expect.stringContaining('Invalid option') }],
    });
    expect(poison[1]).toMatchObject({
      messageId: 'm-4',
      issues: [{ path: 'body', message: 'is not valid JSON' }],
    });
    expect(poison[1]).not.toHaveProperty('orderId');
  });

  it('reports a record whose handler throws, and carries on with the rest', async () => {
    const handler = sqsHandler(stepMessage, async (message) => {
      logger.info('handling');
      if (message.orderId === 'o-boom') throw new Error('Transatel timed out');
    });

    const response = await handler(
      sqsEvent([
        sqsRecord(JSON.stringify({ orderId: 'o-boom', step: 'activate' }), 'm-1'),
        sqsRecord(JSON.stringify({ orderId: 'o-fine', step: 'activate' }), 'm-2'),
      ]),
      lambdaContext(),
    );

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-1' }] });
    const lines = logs.lines();
    expect(
      lines.filter((line) => line.message === 'handling').map((line) => [line.messageId, line.orderId]),
    ).toEqual([
      ['m-1', 'o-boom'],
      ['m-2', 'o-fine'],
    ]);
    expect(
      lines.find((line) => line.message === 'message processing failed, it will be retried'),
    ).toMatchObject({
      messageId: 'm-1',
      orderId: 'o-boom',
      error: { message: 'Transatel timed out' },
    });
  });

  it('answers with every record when the whole batch fails, instead of throwing', async () => {
    const handler = sqsHandler(stepMessage, async () => {
      throw new Error('down');
    });
    const response = await handler(
      sqsEvent([
        sqsRecord('{}', 'm-1'),
        sqsRecord(JSON.stringify({ orderId: 'o', step: 'activate' }), 'm-2'),
      ]),
      lambdaContext(),
    );
    expect(response.batchItemFailures.map((failure) => failure.itemIdentifier)).toEqual(['m-1', 'm-2']);
  });

  it('answers an empty failure list for a clean batch', async () => {
    const handler = sqsHandler(stepMessage, async () => undefined);
    const response = await handler(
      sqsEvent([sqsRecord(JSON.stringify({ orderId: 'o', step: 'subscribe' }), 'm-1')]),
      lambdaContext(),
    );
    expect(response).toEqual({ batchItemFailures: [] });
  });

  it('hands the record and the Lambda context to the message handler, and clears the context between records', async () => {
    const seen: [string, string][] = [];
    const handler = sqsHandler(z.object({ iccid: z.string() }), async (_message, record, context) => {
      seen.push([record.messageId, context.awsRequestId]);
    });
    await handler(
      sqsEvent([
        sqsRecord(JSON.stringify({ iccid: '8933000000000000001' }), 'm-1'),
        sqsRecord(JSON.stringify({ iccid: 42 }), 'm-2'),
      ]),
      lambdaContext({ awsRequestId: 'invocation-7' }),
    );
    logger.info('after the batch');
    expect(seen).toEqual([['m-1', 'invocation-7']]);
    const lines = logs.lines();
    expect(lines.find((line) => line.messageId === 'm-2')).not.toHaveProperty('iccid');
    expect(lines.at(-1)).not.toHaveProperty('messageId');
    expect(lines.at(-1)).not.toHaveProperty('iccid');
  });

  it('prepares each batch once with its valid messages, and hands the result to every record', async () => {
    const prepared: string[][] = [];
    const seen: [string, string | undefined][] = [];
    const handler = sqsHandler(
      stepMessage,
      async (message, _record, _context, batch) => {
        seen.push([message.orderId, batch.prepared?.get(message.orderId)]);
      },
      {
        prepareBatch: async (messages: z.output<typeof stepMessage>[]) => {
          prepared.push(messages.map((message) => message.orderId));
          return new Map(messages.map((message) => [message.orderId, `read ${message.orderId}`]));
        },
      },
    );
    const response = await handler(
      sqsEvent([
        sqsRecord(JSON.stringify({ orderId: 'o-1', step: 'activate' }), 'm-1'),
        sqsRecord('not json', 'm-2'),
        sqsRecord(JSON.stringify({ orderId: 'o-3', step: 'dance' }), 'm-3'),
        sqsRecord(JSON.stringify({ orderId: 'o-4', step: 'subscribe' }), 'm-4'),
      ]),
      lambdaContext(),
    );
    expect(prepared).toEqual([['o-1', 'o-4']]);
    expect(seen).toEqual([
      ['o-1', 'read o-1'],
      ['o-4', 'read o-4'],
    ]);
    expect(response.batchItemFailures.map((failure) => failure.itemIdentifier)).toEqual(['m-2', 'm-3']);
  });

  it('parses each body once: the batch preparation and the record see the same message', async () => {
    const prepared: object[] = [];
    const handled: object[] = [];
    const handler = sqsHandler(
      stepMessage,
      async (message) => {
        handled.push(message);
      },
      {
        prepareBatch: async (messages: z.output<typeof stepMessage>[]) => {
          prepared.push(...messages);
        },
      },
    );
    await handler(
      sqsEvent([
        sqsRecord(JSON.stringify({ orderId: 'o-1', step: 'activate' }), 'm-1'),
        sqsRecord(JSON.stringify({ orderId: 'o-2', step: 'subscribe' }), 'm-2'),
      ]),
      lambdaContext(),
    );
    expect(handled).toHaveLength(2);
    expect(handled[0]).toBe(prepared[0]);
    expect(handled[1]).toBe(prepared[1]);
  });

  it('runs the records without the preparation when it fails', async () => {
    const seen: unknown[] = [];
    const handler = sqsHandler(
      stepMessage,
      async (_message, _record, _context, batch) => {
        seen.push(batch.prepared);
      },
      {
        prepareBatch: async (_messages: z.output<typeof stepMessage>[]): Promise<string> => {
          throw new Error('BatchGetItem throttled');
        },
      },
    );
    const response = await handler(
      sqsEvent([sqsRecord(JSON.stringify({ orderId: 'o-1', step: 'activate' }), 'm-1')]),
      lambdaContext(),
    );
    expect(response).toEqual({ batchItemFailures: [] });
    expect(seen).toEqual([undefined]);
    expect(
      logs.lines().some((line) => line.message === 'batch preparation failed; the records run without it'),
    ).toBe(true);
  });
});
