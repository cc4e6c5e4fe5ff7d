import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { iccidFor, imsiFor, type RunningSimulator } from '../../../local/simulator/index.js';
import { adminClient, apiClient, getToken, type Problem, startTestSim } from './helpers.js';

const CDR = '/network/usage/api/cdr';
const DAY_MS = 86_400_000;

interface CdrPage {
  content: {
    header: { eventDate: string; eventType: string };
    body: { dataSession: { originCountry: string; usage: { total: number } } };
  }[];
  totalElements: number;
  totalPages: number;
  number: number;
  size: number;
}

const dates = (page: CdrPage) => page.content.map((c) => c.header.eventDate);
const isNewestFirst = (list: string[]) => list.every((d, i) => i === 0 || (list[i - 1] ?? '') >= d);

describe('network usage CDRs: line by simSerial or imsi, originCountry, newest first', () => {
  let sim: RunningSimulator;
  let api: ReturnType<typeof apiClient>;
  let admin: ReturnType<typeof adminClient>;

  beforeAll(async () => {
    sim = await startTestSim();
    api = apiClient(sim, await getToken(sim));
    admin = adminClient(sim);
  });
  afterAll(() => sim.close());
  beforeEach(() => sim.reset());

  it('answers the same page for the ICCID as for the IMSI, newest first', async () => {
    const byImsi = await api<CdrPage>('GET', `${CDR}?imsi=${imsiFor('active', 0)}&size=1000`);
    const bySerial = await api<CdrPage>('GET', `${CDR}?simSerial=${iccidFor('active', 0)}&size=1000`);
    expect(byImsi.status).toBe(200);
    expect(bySerial.body).toEqual(byImsi.body);
    expect(byImsi.body.totalElements).toBeGreaterThanOrEqual(5);
    expect(isNewestFirst(dates(byImsi.body))).toBe(true);
    // Both given: they must designate the same line.
    const both = await api<CdrPage>(
      'GET',
      `${CDR}?imsi=${imsiFor('active', 0)}&simSerial=${iccidFor('active', 0)}`,
    );
    expect(both.body.totalElements).toBe(byImsi.body.totalElements);
    const mismatch = await api<CdrPage>(
      'GET',
      `${CDR}?imsi=${imsiFor('active', 0)}&simSerial=${iccidFor('active', 2)}`,
    );
    expect(mismatch.body.totalElements).toBe(0);
    expect((await api<CdrPage>('GET', `${CDR}?simSerial=8988247990000000000`)).body.totalElements).toBe(0);
  });

  it('requires one of imsi and simSerial and validates them', async () => {
    const none = await api<Problem>('GET', `${CDR}?originCountry=FR`);
    expect(none.status).toBe(400);
    expect(none.body.detail).toContain("'imsi'");
    expect(none.body.detail).toContain('simSerial');
    const bad = await api<Problem>('GET', `${CDR}?simSerial=12ab`);
    expect(bad.status).toBe(400);
    expect(bad.body.detail).toContain("'simSerial'");
    const country = await api<Problem>('GET', `${CDR}?imsi=${imsiFor('active', 0)}&originCountry=FRA`);
    expect(country.status).toBe(400);
    expect(country.body.detail).toContain("'originCountry'");
  });

  it('filters by originCountry (any case) together with the date window', async () => {
    const iccid = iccidFor('active', 1);
    const at = (daysAgo: number) => new Date(Date.now() - daysAgo * DAY_MS).toISOString();
    for (const [country, daysAgo] of [
      ['DE', 5],
      ['FR', 4],
      ['DE', 3],
      ['DE', 1],
    ] as const) {
      expect((await admin('POST', '/usage', { iccid, bytes: 1000, country, at: at(daysAgo) })).status).toBe(
        200,
      );
    }
    const de = await api<CdrPage>('GET', `${CDR}?simSerial=${iccid}&originCountry=de`);
    expect(de.body.totalElements).toBe(3);
    expect(de.body.content.every((c) => c.body.dataSession.originCountry === 'DE')).toBe(true);
    expect(isNewestFirst(dates(de.body))).toBe(true);
    const window = await api<CdrPage>(
      'GET',
      `${CDR}?simSerial=${iccid}&originCountry=DE&startDate=${encodeURIComponent(at(4.5))}&endDate=${encodeURIComponent(at(2))}`,
    );
    expect(window.body.totalElements).toBe(1);
    const paged = await api<CdrPage>('GET', `${CDR}?simSerial=${iccid}&originCountry=DE&size=2&page=1`);
    expect(paged.body).toMatchObject({ totalElements: 3, totalPages: 2, number: 1, size: 2 });
    expect(dates(paged.body)).toEqual(dates(de.body).slice(2));
  });
});
