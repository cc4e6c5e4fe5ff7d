import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handler } from '#functions/usage-api/handler.js';
import { iccidFor, type RunningSimulator } from '#local/simulator/index.js';
import { invoke } from '#test/support/api-event.js';
import { type CaptureLogs, captureLogs } from '#test/support/log-capture.js';
import {
  routeCalls,
  simAdmin,
  startSimulatorForFunctions,
  transatelCalls,
  withWrongCheckDigit,
} from './harness.js';

let sim: RunningSimulator;
let logs: CaptureLogs;

beforeAll(async () => {
  logs = captureLogs();
  sim = await startSimulatorForFunctions();
});

afterAll(async () => {
  logs.restore();
  await sim?.close();
});

const DAY_MS = 86_400_000;

interface Figures {
  totalBytes: number;
  uplinkBytes: number;
  downlinkBytes: number;
  sessions: number;
}
interface Usage extends Figures {
  iccid: string;
  from: string;
  to: string;
  country?: string;
  byCountry: (Figures & { country: string })[];
}

const getUsage = (iccid: string, queryStringParameters?: Record<string, string>) =>
  invoke<Usage>(handler, {
    routeKey: 'GET /v1/sims/{iccid}/usage',
    pathParameters: { iccid },
    queryStringParameters,
  });

/** The seeded CDRs of a SIM, straight from the simulator's state. */
function cdrsOf(iccid: string) {
  const state = sim.core.state.getSim(iccid);
  if (!state) throw new Error(`no SIM ${iccid}`);
  return state.cdrs;
}

describe('GET /v1/sims/{iccid}/usage', () => {
  it('sums the last 30 days by default, in total and by country', async () => {
    const iccid = iccidFor('active', 0);
    const startedAt = Date.now();

    const response = await getUsage(iccid);

    expect(response.statusCode).toBe(200);
    const usage = response.body;
    const to = Date.parse(usage.to);
    expect(to).toBeGreaterThanOrEqual(startedAt);
    expect(to).toBeLessThanOrEqual(Date.now());
    expect(Date.parse(usage.from)).toBe(to - 30 * DAY_MS);
    const cdrs = cdrsOf(iccid).filter((cdr) => Date.parse(cdr.eventDate) >= to - 30 * DAY_MS);
    expect(cdrs.length).toBeGreaterThan(0);
    expect(usage).toEqual({
      iccid,
      from: usage.from,
      to: usage.to,
      totalBytes: cdrs.reduce((sum, cdr) => sum + cdr.total, 0),
      uplinkBytes: cdrs.reduce((sum, cdr) => sum + cdr.uplink, 0),
      downlinkBytes: cdrs.reduce((sum, cdr) => sum + cdr.downlink, 0),
      sessions: cdrs.length,
      byCountry: expect.any(Array),
      complete: true,
    });
    const countries = [...new Set(cdrs.map((cdr) => cdr.originCountry))].sort();
    expect(usage.byCountry.map((entry) => entry.country).sort()).toEqual(countries);
    expect(usage.byCountry.reduce((sum, entry) => sum + entry.sessions, 0)).toBe(cdrs.length);
    expect(usage.byCountry.reduce((sum, entry) => sum + entry.totalBytes, 0)).toBe(usage.totalBytes);
  });

  it('keeps the sessions of the country asked for', async () => {
    const iccid = iccidFor('active', 2);
    const all = (await getUsage(iccid)).body;
    const [biggest] = all.byCountry;
    if (!biggest) throw new Error('the seeded active SIM 2 has traffic');

    const response = await getUsage(iccid, { country: biggest.country.toLowerCase() });

    expect(response.statusCode).toBe(200);
    expect(response.body).toMatchObject({
      country: biggest.country,
      totalBytes: biggest.totalBytes,
      uplinkBytes: biggest.uplinkBytes,
      downlinkBytes: biggest.downlinkBytes,
      sessions: biggest.sessions,
      byCountry: [biggest],
    });
  });

  it('sums exactly the sessions inside an explicit window', async () => {
    const iccid = iccidFor('active', 5);
    await simAdmin(sim, 'POST', '/usage', { iccid, bytes: 1_000, country: 'FR', at: '2025-03-01T10:00:00Z' });
    await simAdmin(sim, 'POST', '/usage', { iccid, bytes: 2_000, country: 'DE', at: '2025-03-02T10:00:00Z' });
    await simAdmin(sim, 'POST', '/usage', { iccid, bytes: 4_000, country: 'DE', at: '2025-03-05T00:00:00Z' });

    const response = await getUsage(iccid, { from: '2025-03-01', to: '2025-03-05T02:00:00+02:00' });

    expect(response.statusCode).toBe(200);
    expect(response.body).toMatchObject({
      iccid,
      from: '2025-03-01T00:00:00.000Z',
      to: '2025-03-05T00:00:00.000Z',
      totalBytes: 3_000,
      sessions: 2,
    });
    expect(response.body.uplinkBytes + response.body.downlinkBytes).toBe(3_000);
    expect(response.body.byCountry).toEqual([
      expect.objectContaining({ country: 'DE', totalBytes: 2_000, sessions: 1 }),
      expect.objectContaining({ country: 'FR', totalBytes: 1_000, sessions: 1 }),
    ]);
  });

  it('answers zeros for a SIM without traffic in the period', async () => {
    const iccid = iccidFor('preactivated', 0);
    const response = await getUsage(iccid, { to: '2025-01-31' });

    expect(response.body).toEqual({
      iccid,
      from: '2025-01-01T00:00:00.000Z',
      to: '2025-01-31T00:00:00.000Z',
      totalBytes: 0,
      uplinkBytes: 0,
      downlinkBytes: 0,
      sessions: 0,
      byCountry: [],
      complete: true,
    });
  });

  it("answers 404 with Transatel's title for an unknown SIM", async () => {
    const response = await getUsage(iccidFor('active', 321));
    expect(response.statusCode).toBe(404);
    expect(response.body).toMatchObject({ title: 'SUBSCRIBER_NOT_FOUND', status: 404 });
  });

  it('asks for usage by ICCID: a SIM whose IMSI Transatel does not report still gets its figures', async () => {
    const iccid = iccidFor('active', 2);
    const state = sim.core.state.getSim(iccid);
    if (!state) throw new Error(`no SIM ${iccid}`);
    const imsi = state.imsi;
    state.imsi = '';
    const usageCallsBefore = await routeCalls(sim, 'usageCdr');
    try {
      const response = await getUsage(iccid);

      expect(response.statusCode).toBe(200);
      const cdrs = cdrsOf(iccid).filter((cdr) => Date.parse(cdr.eventDate) >= Date.parse(response.body.from));
      expect(cdrs.length).toBeGreaterThan(0);
      expect(response.body).toMatchObject({ sessions: cdrs.length, complete: true });
      expect(await routeCalls(sim, 'usageCdr')).toBeGreaterThan(usageCallsBefore);
    } finally {
      state.imsi = imsi;
    }
  });

  const now = Date.now();
  const isoDaysAgo = (days: number) => new Date(now - days * DAY_MS).toISOString();

  it.each([
    ['from after to', 'query.from', { from: '2025-03-02', to: '2025-03-01' }],
    ['from equal to to', 'query.from', { from: '2025-03-01T00:00:00Z', to: '2025-03-01' }],
    ['from in the future, to defaulted', 'query.from', { from: new Date(now + DAY_MS).toISOString() }],
    ['a range over 366 days', 'query.from', { from: '2024-01-01', to: '2025-01-02' }],
    ['from 367 days ago, to defaulted', 'query.from', { from: isoDaysAgo(367) }],
    ['a date that is not ISO-8601', 'query.from', { from: 'yesterday' }],
    ['an impossible date', 'query.to', { to: '2025-02-30' }],
    ['a date-time without offset', 'query.to', { to: '2025-02-03T10:00:00' }],
    ['a country that is not ISO-2', 'query.country', { country: 'FRA' }],
    ['an unknown parameter', 'query.imsi', { imsi: '208012000000000' }],
  ])('answers 400 for %s naming %s, without calling Transatel', async (_, path, query) => {
    const before = await transatelCalls(sim);

    const response = await getUsage(iccidFor('active', 0), query);

    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toBe('application/problem+json');
    expect(response.body).toMatchObject({ type: 'urn:problem:validation', status: 400 });
    expect(response.body).toHaveProperty('errors', [expect.objectContaining({ path })]);
    expect(await transatelCalls(sim)).toBe(before);
  });

  it('accepts a range of exactly 366 days', async () => {
    const response = await getUsage(iccidFor('active', 0), { from: '2024-01-01', to: '2025-01-01' });
    expect(response.statusCode).toBe(200);
  });

  it('answers 400 naming params.iccid for a bad ICCID, without calling Transatel', async () => {
    const before = await transatelCalls(sim);
    const response = await getUsage(withWrongCheckDigit(iccidFor('active', 0)));
    expect(response.statusCode).toBe(400);
    expect(response.body).toHaveProperty('errors', [expect.objectContaining({ path: 'params.iccid' })]);
    expect(await transatelCalls(sim)).toBe(before);
  });

  it('never answers 5xx, whatever the path parameter or query', async () => {
    const instants = fc.oneof(
      fc.string({ maxLength: 12 }),
      fc.date({ noInvalidDate: true }).map((date) => date.toISOString()),
      fc.date({ noInvalidDate: true }).map((date) => date.toISOString().slice(0, 10)),
    );
    const queries = fc.record(
      {
        from: instants,
        to: instants,
        country: fc.string({ maxLength: 3 }),
        other: fc.string({ maxLength: 3 }),
      },
      { requiredKeys: [] },
    );
    const iccids = fc.oneof(
      fc.string({ maxLength: 22 }),
      fc.constantFrom(iccidFor('active', 0), iccidFor('available', 0)),
    );
    await fc.assert(
      fc.asyncProperty(iccids, queries, async (iccid, query) => {
        const response = await getUsage(iccid, query);
        expect(response.statusCode).toBeLessThan(500);
      }),
      { numRuns: 200 },
    );
  });
});
