import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as z from 'zod';
import type { AuditedCall, HttpAudit } from '#shared/lambda/audit.js';
import { HttpError, type HttpEvent, httpHandler, json } from '#shared/lambda/http.js';
import { logger } from '#shared/lambda/logger.js';
import type { HistoryEntry, HistoryStore } from '#shared/store/history.js';
import { MemoryHistoryStore } from '#shared/store/memory-history-store.js';
import { type CaptureLogs, captureLogs } from '#test/support/log-capture.js';
import { httpEvent, lambdaContext } from './lambda-fixtures.js';

const ICCID = '89330000000000000011';
const OTHER = '89330000000000000029';
const ROUTE = 'POST /v1/sims/{iccid}/suspend';
const USER = 'arn:aws:iam::123456789012:user/ops';

/** The event API Gateway hands over for an IAM-authorized call. */
function suspendEvent(
  body: unknown = {},
  overrides: Partial<Parameters<typeof httpEvent>[0]> = {},
): HttpEvent {
  const event = httpEvent({
    routeKey: ROUTE,
    path: `/v1/sims/${ICCID}/suspend`,
    pathParameters: { iccid: ICCID },
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    ...overrides,
  });
  Object.assign(event.requestContext, { authorizer: { iam: { userArn: USER, callerId: 'AIDA' } } });
  return event;
}

let store: MemoryHistoryStore;
let calls: AuditedCall[];
let logs: CaptureLogs;

beforeEach(() => {
  store = new MemoryHistoryStore({ retentionDays: 400, clock: () => new Date('2026-01-02T00:00:00Z') });
  calls = [];
  logs = captureLogs();
  logger.setLogLevel('INFO');
});
afterEach(() => logs.restore());

const subjectsOfPath = (call: AuditedCall) => {
  calls.push(call);
  const iccid = call.event.pathParameters?.iccid;
  return iccid
    ? [
        {
          iccid,
          summary: 'suspend',
          orderId: (call.answer as { orderId?: string } | undefined)?.orderId,
          details: { reference: (call.request as { reference?: string } | undefined)?.reference },
        },
      ]
    : [];
};

/** A route that answers as told by its body: 202, or the problem it names. */
function route(history: () => Pick<HistoryStore, 'appendNew'>, audit: Partial<HttpAudit> = {}) {
  return httpHandler(
    {
      params: z.object({ iccid: z.string().regex(/^\d{19,20}$/) }),
      body: z.object({ refuse: z.number().optional(), reference: z.string().optional() }).strict(),
      maxBodyBytes: 200,
      audit: { history, subjects: subjectsOfPath, ...audit },
    },
    async ({ params, body }) => {
      if (body.refuse === 409) throw new HttpError(409, { title: 'SIM_HAS_OPEN_ORDER', detail: 'busy' });
      if (body.refuse === 500) throw new Error('boom');
      return json(202, { iccid: params.iccid, orderId: '01ARZ3NDEKTSV4RRFFQ69G5FAV' });
    },
  );
}

async function entries(iccid = ICCID): Promise<HistoryEntry[]> {
  return (await store.list(iccid, { limit: 50 })).entries;
}

const warnings = () => logs.lines().filter((line) => line.message === 'audit entry not written');

describe('httpHandler audit option', () => {
  it('files an accepted call under its SIM: actor, route, outcome, request time and id', async () => {
    const response = await route(() => store)(suspendEvent({ reference: 'ticket-7' }), lambdaContext());
    expect(response.statusCode).toBe(202);
    expect(await entries()).toEqual([
      {
        iccid: ICCID,
        at: new Date(1_767_225_600_000).toISOString(),
        id: 'api-request-1',
        source: 'operator',
        type: 'operator.action',
        summary: 'suspend: 202',
        actor: USER,
        route: ROUTE,
        outcome: { status: 202 },
        orderId: '01ARZ3NDEKTSV4RRFFQ69G5FAV',
        details: { reference: 'ticket-7' },
      },
    ]);
    expect(calls[0]).toMatchObject({ status: 202, request: { reference: 'ticket-7' } });
  });

  it('files a refused call too: a problem, a bad body, an oversized body, an unexpected error', async () => {
    const handler = route(() => store);
    const answers = await Promise.all([
      handler(suspendEvent({ refuse: 409 }, {}), lambdaContext()),
      handler(
        Object.assign(suspendEvent({ refuse: 'no' }), { requestContext: { requestId: 'bad-body' } }),
        lambdaContext(),
      ),
      handler(
        Object.assign(suspendEvent({ reference: 'x'.repeat(300) }), {
          requestContext: { requestId: 'too-big', timeEpoch: 1_767_225_601_000 },
        }),
        lambdaContext(),
      ),
      handler(
        Object.assign(suspendEvent({ refuse: 500 }), { requestContext: { requestId: 'boom' } }),
        lambdaContext(),
      ),
    ]);
    expect(answers.map((answer) => answer.statusCode)).toEqual([409, 400, 413, 500]);
    const written = await entries();
    expect(
      written
        .map((entry) => [entry.id, entry.outcome, entry.summary])
        .sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    ).toEqual([
      ['api-request-1', { status: 409, title: 'SIM_HAS_OPEN_ORDER' }, 'suspend: 409 SIM_HAS_OPEN_ORDER'],
      ['bad-body', { status: 400, title: 'Invalid request' }, 'suspend: 400 Invalid request'],
      ['boom', { status: 500, title: 'Internal Server Error' }, 'suspend: 500 Internal Server Error'],
      ['too-big', { status: 413, title: 'Payload Too Large' }, 'suspend: 413 Payload Too Large'],
    ]);
    // Without IAM authorization (the events above lost their authorizer), the actor is `unknown`.
    expect(written.find((entry) => entry.id === 'boom')?.actor).toBe('unknown');
    expect(written.find((entry) => entry.id === 'api-request-1')?.actor).toBe(USER);
  });

  it('writes nothing for a call that names no SIM, and one entry per SIM named', async () => {
    let appended = 0;
    const counting = {
      appendNew: async (items: readonly HistoryEntry[]) => {
        appended += 1;
        await store.appendNew(items);
      },
    };
    const noSim = route(() => counting, { subjects: () => [] });
    expect((await noSim(suspendEvent(), lambdaContext())).statusCode).toBe(202);
    expect(appended).toBe(0);

    const twice = route(() => counting, {
      subjects: () => [
        { iccid: OTHER, summary: 'first' },
        { iccid: ICCID, summary: 'mine' },
        { iccid: OTHER, summary: 'again' },
      ],
    });
    await twice(suspendEvent(), lambdaContext());
    expect(appended).toBe(1);
    expect((await entries(OTHER)).map((entry) => entry.summary)).toEqual(['first: 202']);
    expect((await entries(ICCID)).map((entry) => entry.summary)).toEqual(['mine: 202']);
  });

  it('never changes the answer when the history write fails, hangs or the subjects throw', async () => {
    const plain = httpHandler({ params: z.object({ iccid: z.string() }) }, async ({ params }) =>
      json(202, { iccid: params.iccid, orderId: '01ARZ3NDEKTSV4RRFFQ69G5FAV' }),
    );
    const expected = await plain(suspendEvent(), lambdaContext());

    const failing = route(() => ({
      appendNew: async () => {
        throw new Error('ProvisionedThroughputExceededException');
      },
    }));
    const hanging = route(() => ({ appendNew: () => new Promise<void>(() => undefined) }), { timeoutMs: 50 });
    const throwingSubjects = route(() => store, {
      subjects: () => {
        throw new TypeError('a bug in the audit');
      },
    });
    const unbuildable = route(() => {
      throw new Error('Invalid environment: HISTORY_TABLE_NAME is required');
    });

    // Fake timers: the hanging write's 50 ms run on the test's clock, not the machine's.
    vi.useFakeTimers();
    try {
      for (const handler of [failing, hanging, throwingSubjects, unbuildable]) {
        const pending = handler(suspendEvent(), lambdaContext());
        await vi.advanceTimersByTimeAsync(50);
        expect(await pending).toEqual(expected);
      }
    } finally {
      vi.useRealTimers();
    }
    const refused = await failing(suspendEvent({ refuse: 409 }), lambdaContext());
    expect(refused.statusCode).toBe(409);
    expect(JSON.parse(refused.body ?? '{}')).toMatchObject({ title: 'SIM_HAS_OPEN_ORDER' });

    expect(warnings()).toHaveLength(5);
    expect(warnings()[0]).toMatchObject({ level: 'WARN', route: ROUTE, status: 202 });
    expect(JSON.stringify(warnings())).toContain('ProvisionedThroughputExceededException');
    expect(JSON.stringify(warnings())).toContain('no answer within 50 ms');
    expect(await entries()).toEqual([]);
  });

  it('writes a call on many SIMs a chunk at a time, and starts no write once its time is up', async () => {
    const iccids = Array.from({ length: 300 }, (_, index) => `8933${String(index).padStart(16, '0')}`);
    const chunks: number[] = [];
    const slow = {
      appendNew: async (items: readonly HistoryEntry[]) => {
        chunks.push(items.length);
        await new Promise((resolve) => setTimeout(resolve, 60));
        await store.appendNew(items);
      },
    };
    const many = route(() => slow, {
      timeoutMs: 100,
      subjects: () => iccids.map((iccid) => ({ iccid, summary: 'bulk' })),
    });
    // Fake timers: 64 per chunk, 60 ms each, so two chunks start within the 100 ms (at 0 and 60 ms), the
    // second is cut off at 100 ms, and none starts later.
    vi.useFakeTimers();
    try {
      const pending = many(suspendEvent(), lambdaContext());
      await vi.advanceTimersByTimeAsync(100);
      expect((await pending).statusCode).toBe(202);
      await vi.advanceTimersByTimeAsync(1_000);
    } finally {
      vi.useRealTimers();
    }
    expect(chunks).toEqual([64, 64]);
    expect(JSON.stringify(warnings())).toContain('no answer within 40 ms');

    const roomy = route(() => slow, {
      timeoutMs: 2_000,
      subjects: () => iccids.map((iccid) => ({ iccid, summary: 'bulk' })),
    });
    chunks.length = 0;
    await roomy(suspendEvent(), lambdaContext());
    expect(chunks).toEqual([64, 64, 64, 64, 44]);
    expect((await entries(iccids[299])).map((entry) => entry.summary)).toEqual(['bulk: 202']);
  });

  it('writes nothing when the function has no time left to', async () => {
    let appended = 0;
    const counting = route(() => ({
      appendNew: async () => {
        appended += 1;
      },
    }));
    const response = await counting(suspendEvent(), lambdaContext({ getRemainingTimeInMillis: () => 400 }));
    expect(response.statusCode).toBe(202);
    expect(appended).toBe(0);
    expect(JSON.stringify(warnings())).toContain('no time left before the function times out');
  });

  it('stays within the function’s remaining time', async () => {
    const hanging = route(() => ({ appendNew: () => new Promise<void>(() => undefined) }), {
      timeoutMs: 60_000,
    });
    // 600 ms left, 500 kept back to answer: the write gets 100 ms of the test's clock.
    vi.useFakeTimers();
    try {
      const pending = hanging(suspendEvent(), lambdaContext({ getRemainingTimeInMillis: () => 600 }));
      await vi.advanceTimersByTimeAsync(100);
      expect((await pending).statusCode).toBe(202);
    } finally {
      vi.useRealTimers();
    }
    expect(warnings()).toHaveLength(1);
    expect(JSON.stringify(warnings())).toContain('no answer within 100 ms');
  });
});
