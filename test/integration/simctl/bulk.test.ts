import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCsv } from '#cli/simctl/csv.js';
import { localAwsClients } from '#local/aws.js';
import { iccidFor } from '#local/simulator/index.js';
import type { LocalStack } from '#local/stack.js';
import { simctl, simulatorCounters, startTestStack } from './harness.js';

const PLAN = 'IOTC_CAPPED_EU_1GB_1M';

/** Every order in the orders table, as iccid -> orderIds: what the API really made. */
async function ordersBySim(stack: LocalStack): Promise<Map<string, string[]>> {
  const clients = localAwsClients(stack.endpoints);
  const bySim = new Map<string, string[]>();
  try {
    let start: Record<string, import('@aws-sdk/client-dynamodb').AttributeValue> | undefined;
    do {
      const page = await clients.dynamodb.send(
        new ScanCommand({
          TableName: stack.resources.tables.orders,
          ProjectionExpression: 'orderId, iccid',
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      for (const item of page.Items ?? []) {
        const iccid = item.iccid?.S as string;
        bySim.set(iccid, [...(bySim.get(iccid) ?? []), item.orderId?.S as string]);
      }
      start = page.LastEvaluatedKey;
    } while (start);
  } finally {
    clients.destroy();
  }
  return bySim;
}

function results(text: string): Record<string, string>[] {
  const [header, ...rows] = parseCsv(text).map((record) => record.fields);
  return rows.map((row) => Object.fromEntries((header ?? []).map((name, index) => [name, row[index] ?? ''])));
}

describe('simctl activate --csv', () => {
  let stack: LocalStack;
  let dir: string;

  beforeAll(async () => {
    stack = await startTestStack();
    dir = await mkdtemp(join(tmpdir(), 'simctl-bulk-'));
  });
  afterAll(async () => {
    await stack?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('reports bad rows without sending them, and SIMs the API rejects, in the results CSV', async () => {
    const csv = join(dir, 'mixed.csv');
    const good = [iccidFor('available', 1_000), iccidFor('available', 1_001)];
    await writeFile(
      csv,
      [
        'ICCID,planId,reference',
        `${good[0]},,"dev, one"`,
        `${good[1]},NO_SUCH_PLAN,dev-2`,
        '8988247000000000000,,bad-luhn',
        `${good[0]},,duplicate`,
        '',
      ].join('\r\n'),
    );
    const result = await simctl(['activate', '--csv', csv, '--plan', PLAN, '--no-wait'], { url: stack.url });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      'line 4: 8988247000000000000: iccid: ICCID check digit (Luhn) is wrong (not sent)',
    );
    expect(result.stderr).toContain(`line 5: ${good[0]}: duplicate of line 2 (not sent)`);
    expect(result.stderr).toMatch(
      /simctl: 1 SIM rejected, 2 rows invalid: see .*mixed\.csv\.results\.csv\n$/,
    );
    expect(result.stdout).toContain(
      '2 SIMs: 1 ordered, 1 in progress, 0 completed, 0 failed, 1 rejected; 2 invalid rows not sent',
    );

    const rows = results(await readFile(`${csv}.results.csv`, 'utf8'));
    expect(rows.map((row) => [row.iccid, row.status])).toEqual([
      [good[0], 'RECEIVED'],
      [good[1], 'REJECTED'],
      ['8988247000000000000', 'INVALID'],
      [good[0], 'INVALID'],
    ]);
    expect(rows[1]?.failureDetail).toBe("planId: unknown plan 'NO_SUCH_PLAN': see GET /v1/plans");
    expect(rows[0]?.orderId).toMatch(/^[0-9A-Z]{26}$/);
    expect((await ordersBySim(stack)).get('8988247000000000000')).toBeUndefined();
  });

  it('records every SIM of a batch the API refuses as a whole (400) as rejected, with its own reason', async () => {
    const csv = join(dir, 'refused.csv');
    const iccids = [iccidFor('available', 1_020), iccidFor('available', 1_021)];
    await writeFile(csv, `iccid,planId\n${iccids[0]},NO_SUCH_PLAN\n${iccids[1]},NOR_THIS_ONE\n`);
    const result = await simctl(['activate', '--csv', csv], { url: stack.url });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/simctl: 2 SIMs rejected: see /);
    const rows = results(await readFile(`${csv}.results.csv`, 'utf8'));
    expect(rows.map((row) => [row.status, row.failureDetail])).toEqual([
      ['REJECTED', "planId: unknown plan 'NO_SUCH_PLAN': see GET /v1/plans"],
      ['REJECTED', "planId: unknown plan 'NOR_THIS_ONE': see GET /v1/plans"],
    ]);
    const orders = await ordersBySim(stack);
    expect(iccids.map((iccid) => orders.get(iccid))).toEqual([undefined, undefined]);
  });

  it('records every SIM of a batch refused with 409 SIM_HAS_OPEN_ORDER as rejected, naming the open order', async () => {
    const csv = join(dir, 'busy.csv');
    const iccids = [iccidFor('available', 1_030), iccidFor('available', 1_031)];
    await writeFile(csv, `iccid\n${iccids[0]}\n${iccids[1]}\n`);
    // The API's answer when every SIM of the batch has an order that is not final yet.
    const busy = (index: number) => ({
      path: `body.sims[${index}].iccid`,
      message: `SIM has an open order OPEN${index}`,
    });
    const problem = {
      type: 'urn:problem:sim-has-open-order',
      title: 'SIM_HAS_OPEN_ORDER',
      status: 409,
      detail: 'No SIM of this request was accepted',
      errors: [busy(0), busy(1)],
      rejected: [0, 1].map((index) => ({
        index,
        iccid: iccids[index],
        errors: [busy(index)],
        openOrderId: `OPEN${index}`,
      })),
    };
    const result = await simctl(['activate', '--csv', csv, '--plan', PLAN, '--no-wait'], {
      url: stack.url,
      fetch: async (input, init) =>
        init?.method === 'POST'
          ? new Response(JSON.stringify(problem), {
              status: 409,
              headers: { 'content-type': 'application/problem+json' },
            })
          : fetch(input, init),
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/simctl: 2 SIMs rejected: see /);
    const rows = results(await readFile(`${csv}.results.csv`, 'utf8'));
    expect(rows.map((row) => [row.status, row.failureDetail])).toEqual([
      ['REJECTED', 'iccid: SIM has an open order OPEN0'],
      ['REJECTED', 'iccid: SIM has an open order OPEN1'],
    ]);
  });

  it('does not re-send a batch left unanswered for longer than the API remembers its Idempotency-Key', async () => {
    const csv = join(dir, 'stale.csv');
    const iccid = iccidFor('available', 1_010);
    await writeFile(csv, `iccid\n${iccid}\n`);
    const sentAt = new Date(Date.now() - 30 * 3600 * 1000).toISOString();
    await writeFile(
      `${csv}.simctl-state.json`,
      JSON.stringify({
        version: 1,
        csv,
        createdAt: sentAt,
        updatedAt: sentAt,
        inFlight: { key: 'simctl-stale', sentAt, sims: [{ iccid, planId: PLAN }] },
        batches: [],
        sims: {},
      }),
    );
    let posts = 0;
    const result = await simctl(['activate', '--csv', csv, '--plan', PLAN], {
      url: stack.url,
      fetch: (input, init) => {
        if (init?.method === 'POST') posts += 1;
        return fetch(input, init);
      },
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      `simctl: a batch of 1 SIM was sent at ${sentAt} and its answer never recorded`,
    );
    expect(posts).toBe(0);
    expect((await ordersBySim(stack)).get(iccid)).toBeUndefined();
  });

  it('orders 1,000 SIMs, interrupted with the last batch answer lost, then resumed: one order per SIM, all completed', async () => {
    const csv = join(dir, 'fleet.csv');
    const iccids = Array.from({ length: 1_000 }, (_, index) => iccidFor('available', index));
    await writeFile(csv, `iccid\n${iccids.join('\n')}\n`);
    const argv = ['activate', '--csv', csv, '--plan', PLAN, '--batch-size', '250', '--poll-interval', '1'];

    // First run: the fourth and last batch reaches the API, which orders its SIMs, but the answer is lost as
    // if the process had been killed while reading it. Batches are told apart by their Idempotency-Key (a
    // batch retried after a 503 is the same batch).
    const controller = new AbortController();
    const batchKeys = new Set<string | null>();
    const dyingFetch: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      if (init?.method === 'POST' && String(input).endsWith('/v1/activations')) {
        batchKeys.add(new Headers(init.headers).get('idempotency-key'));
        if (batchKeys.size === 4 && response.ok) {
          await response.body?.cancel();
          controller.abort();
          throw new DOMException('The operation was aborted.', 'AbortError');
        }
      }
      return response;
    };
    const first = await simctl(argv, { url: stack.url, fetch: dyingFetch, signal: controller.signal });
    expect(first.code).toBe(130);
    expect(first.stderr).toContain('simctl: interrupted: progress saved in');
    const state = JSON.parse(await readFile(`${csv}.simctl-state.json`, 'utf8')) as {
      sims: Record<string, { orderId?: string }>;
      inFlight?: { key: string; sims: unknown[] };
    };
    expect(Object.values(state.sims).filter((sim) => sim.orderId)).toHaveLength(750);
    expect(state.inFlight?.sims).toHaveLength(250);
    // The API made all 1,000 orders; the client knows 750 of them.
    expect([...(await ordersBySim(stack)).keys()].filter((iccid) => iccids.includes(iccid))).toHaveLength(
      1_000,
    );

    // Second run, the same command: re-sends the unanswered batch with its Idempotency-Key, then follows.
    // One batch re-sent, with the key it was first sent with: once, or again after a 503 on a busy machine.
    const resentKeys: (string | null)[] = [];
    const countingFetch: typeof fetch = (input, init) => {
      if (init?.method === 'POST' && String(input).endsWith('/v1/activations')) {
        resentKeys.push(new Headers(init.headers).get('idempotency-key'));
      }
      return fetch(input, init);
    };
    const second = await simctl(argv, { url: stack.url, fetch: countingFetch });
    expect(second.stderr).toContain('750 of 1000 SIMs already ordered');
    expect(second.stderr).toContain('re-sending the batch of 250 SIMs whose answer was not recorded');
    expect(second.code, second.stderr).toBe(0);
    expect(resentKeys.length).toBeGreaterThanOrEqual(1);
    expect(new Set(resentKeys)).toEqual(new Set([state.inFlight?.key]));
    expect(second.stdout).toContain('1000 SIMs: 1000 ordered, 1000 completed, 0 failed, 0 rejected');

    const rows = results(await readFile(`${csv}.results.csv`, 'utf8'));
    expect(rows.map((row) => row.iccid)).toEqual(iccids);
    expect(rows.every((row) => row.status === 'COMPLETED' && row.subscriptionId !== '')).toBe(true);
    expect(new Set(rows.map((row) => row.orderId)).size).toBe(1_000);

    // Exactly one order per SIM in the API, the very ones in the results; one activation and one plan at Transatel.
    const orders = await ordersBySim(stack);
    for (const row of rows) expect(orders.get(row.iccid as string)).toEqual([row.orderId]);
    const counters = simulatorCounters(stack);
    for (const iccid of iccids) {
      expect(counters.activationsBySim[iccid], iccid).toBe(1);
      expect(counters.ocsOrders[iccid], iccid).toBe(1);
    }

    // A third run has nothing left to send.
    resentKeys.length = 0;
    const third = await simctl(argv, { url: stack.url, fetch: countingFetch });
    expect(third.code).toBe(0);
    expect(resentKeys).toEqual([]);
    expect(third.stderr).toContain('1000 of 1000 SIMs already ordered');
  }, 600_000);
});
