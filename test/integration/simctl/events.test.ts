import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sinceToFrom } from '#cli/simctl/commands/events.js';
import { simctl } from './harness.js';

/** simctl events against a stand-in API on 127.0.0.1: paging, options, output. */

const ICCID = '8988247000000000019';
/** A SIM the stand-in knows nothing of. */
const EMPTY = '8988247000000000027';

interface Entry {
  iccid: string;
  at: string;
  id: string;
  source: string;
  type: string;
  summary: string;
  actor?: string;
}

const entries: Entry[] = Array.from({ length: 5 }, (_, index) => ({
  iccid: ICCID,
  at: new Date(Date.UTC(2026, 10, 27, 10, 0, 5 - index)).toISOString(),
  id: `e${index}`,
  source: index === 0 ? 'operator' : index % 2 === 0 ? 'order' : 'transatel',
  type: index === 0 ? 'operator.action' : index % 2 === 0 ? 'order.COMPLETED' : 'sim.activated',
  summary: index === 0 ? 'suspend: 202' : `entry ${index}`,
  ...(index === 0 ? { actor: 'arn:aws:iam::123456789012:user/ops' } : {}),
}));

let server: Server;
let url: string;
let requests: URL[];

/** Pages of `limit` (default 2) over `entries`; the cursor is the index to resume at. */
beforeAll(async () => {
  server = createServer((request, response) => {
    const requestUrl = new URL(request.url ?? '/', 'http://stand-in');
    requests.push(requestUrl);
    const match = /^\/v1\/sims\/(\d+)\/events$/.exec(requestUrl.pathname);
    if (!match) {
      response.writeHead(404).end();
      return;
    }
    const params = requestUrl.searchParams;
    if (params.get('type') === 'bad,,type') {
      response.writeHead(400, { 'content-type': 'application/problem+json' });
      response.end(
        JSON.stringify({
          type: 'urn:problem:validation',
          title: 'Invalid request',
          status: 400,
          detail: 'query.type: must be event types separated by commas',
          errors: [{ path: 'query.type', message: 'must be event types separated by commas' }],
        }),
      );
      return;
    }
    const limit = Number(params.get('limit') ?? '2');
    const start = Number(params.get('cursor') ?? '0');
    const page = match[1] === EMPTY ? [] : entries.slice(start, start + limit);
    const next = page.length > 0 && start + limit < entries.length ? String(start + limit) : undefined;
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ iccid: match[1], events: page, ...(next ? { nextCursor: next } : {}) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
  requests = [];
});

const cli = (...argv: string[]) => simctl(argv, { url });

describe('simctl events', () => {
  it('prints one page as a table, newest first, the actor of an operator action, and says there is more', async () => {
    const result = await cli('events', ICCID);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toBe(
      [
        'AT                    SOURCE     TYPE             SUMMARY',
        '2026-11-27 10:00:05Z  operator   operator.action  suspend: 202 (by arn:aws:iam::123456789012:user/ops)',
        '2026-11-27 10:00:04Z  transatel  sim.activated    entry 1',
        '2 events shown; more with --all',
        '',
      ].join('\n'),
    );
    expect(requests).toHaveLength(1);
    expect(requests[0]?.search).toBe('');
  });

  it('--all follows the cursor to the last page; --json prints the raw pages', async () => {
    const all = await cli('events', ICCID, '--all', '--limit', '2');
    expect(all.code).toBe(0);
    const lines = all.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(1 + entries.length);
    expect(lines.slice(1).map((line) => line.split(/\s{2,}/)[3])).toEqual([
      'suspend: 202 (by arn:aws:iam::123456789012:user/ops)',
      'entry 1',
      'entry 2',
      'entry 3',
      'entry 4',
    ]);
    expect(requests.map((request) => request.searchParams.get('cursor'))).toEqual([null, '2', '4']);

    requests = [];
    const json = await cli('events', ICCID, '--all', '--json', '--limit', '2');
    const pages = JSON.parse(json.stdout) as { events: Entry[]; nextCursor?: string }[];
    expect(pages.map((page) => [page.events.map((entry) => entry.id), page.nextCursor])).toEqual([
      [['e0', 'e1'], '2'],
      [['e2', 'e3'], '4'],
      [['e4'], undefined],
    ]);

    const one = await cli('events', ICCID, '--json');
    expect(JSON.parse(one.stdout)).toEqual({ iccid: ICCID, events: entries.slice(0, 2), nextCursor: '2' });
    // --all asks for the largest pages.
    requests = [];
    await cli('events', ICCID, '--all');
    expect(requests.map((request) => request.searchParams.get('limit'))).toEqual(['200']);
  });

  it('passes --type, --since and --limit as the query', async () => {
    const before = Date.now();
    await cli('events', ICCID, '--type', 'sim.activated,operator.action', '--since', '2h', '--limit', '7');
    const params = requests[0]?.searchParams;
    expect(params?.get('type')).toBe('sim.activated,operator.action');
    expect(params?.get('limit')).toBe('7');
    const from = Date.parse(params?.get('from') ?? '');
    expect(from).toBeGreaterThanOrEqual(before - 2 * 3_600_000 - 1_000);
    expect(from).toBeLessThanOrEqual(Date.now() - 2 * 3_600_000);

    await cli('events', ICCID, '--since', '2026-11-01');
    expect(requests[1]?.searchParams.get('from')).toBe('2026-11-01');
    await cli('events', ICCID, '--since', '2026-11-01T10:00+01:00');
    expect(requests[2]?.searchParams.get('from')).toBe('2026-11-01T09:00:00.000Z');
  });

  it('refuses bad options as usage errors without a call, and shows the API’s refusal as one line', async () => {
    for (const argv of [
      ['events'],
      ['events', ICCID, '--since', 'yesterday'],
      ['events', ICCID, '--since', '2026-11-01T10:00'],
      ['events', ICCID, '--limit', '0'],
      ['events', ICCID, '--limit', '201'],
    ]) {
      const result = await cli(...argv);
      expect(result.code, argv.join(' ')).toBe(2);
      expect(result.stdout).toBe('');
    }
    expect(requests).toEqual([]);

    const refused = await cli('events', ICCID, '--type', 'bad,,type');
    expect(refused).toMatchObject({ code: 1, stdout: '' });
    expect(refused.stderr).toBe(
      'simctl: 400 Invalid request: query.type: must be event types separated by commas\n',
    );
  });

  it('says so when there is nothing', async () => {
    const result = await cli('events', EMPTY);
    expect(result).toMatchObject({ code: 0, stdout: 'No events.\n', stderr: '' });
  });

  it('turns durations and dates into `from`', () => {
    const now = new Date('2026-11-27T12:00:00.000Z');
    expect(sinceToFrom('90m', now)).toBe('2026-11-27T10:30:00.000Z');
    expect(sinceToFrom('7d', now)).toBe('2026-11-20T12:00:00.000Z');
    expect(sinceToFrom('1w', now)).toBe('2026-11-20T12:00:00.000Z');
    expect(sinceToFrom('30s', now)).toBe('2026-11-27T11:59:30.000Z');
    expect(sinceToFrom('2026-11-27T11:00:00Z', now)).toBe('2026-11-27T11:00:00.000Z');
    expect(() => sinceToFrom('-2h', now)).toThrow(/--since must be/);
  });
});
