import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  iccidFor,
  imsiFor,
  msisdnFor,
  type RunningSimulator,
  SIMULATOR_VARIANTS,
} from '#local/simulator/index.js';
import {
  adminClient,
  apiClient,
  CM,
  getToken,
  INVENTORY,
  type Inventory,
  type Problem,
  RATE_PLAN,
  type Subscriber,
  startTestSim,
  waitFor,
} from './helpers.js';

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

describe('network usage CDRs: line by simSerial or imsi, originCountry, newest first', () => {
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

describe('/_sim/sims/{iccid}/traffic-history', () => {
  it('gives a line five years of hourly CDRs without touching balances or events', async () => {
    const iccid = iccidFor('active', 0);
    const inventoryBefore = (
      await api<Inventory>('GET', `${INVENTORY}?msisdn=${msisdnFor('active', 0)}&withBalances=true`)
    ).body;
    const seeded = (await api<CdrPage>('GET', `${CDR}?simSerial=${iccid}&size=1`)).body.totalElements;
    const emitted = sim.counters().webhooks.emitted;

    const res = await admin<{ iccid: string; added: number }>('POST', `/sims/${iccid}/traffic-history`, {
      days: 1826,
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ iccid, added: 1826 * 24 });

    const first = await api<CdrPage>('GET', `${CDR}?simSerial=${iccid}&size=1000`);
    expect(first.body.totalElements).toBe(seeded + 43_824);
    expect(first.body.totalPages).toBe(Math.ceil((seeded + 43_824) / 1000));
    expect(isNewestFirst(dates(first.body))).toBe(true);
    const newest = Date.parse(first.body.content[0]?.header.eventDate ?? '');
    expect(Date.now() - newest).toBeLessThan(60_000);
    expect(first.body.content[0]?.body.dataSession).toMatchObject({
      originCountry: 'FR',
      usage: { total: 100_000 },
    });
    const lastPage = first.body.totalPages - 1;
    const last = await api<CdrPage>('GET', `${CDR}?simSerial=${iccid}&size=1000&page=${lastPage}`);
    const oldest = Date.parse(last.body.content.at(-1)?.header.eventDate ?? '');
    expect(newest - oldest).toBeGreaterThanOrEqual(1825 * DAY_MS);
    expect(isNewestFirst([...dates(first.body), ...dates(last.body)])).toBe(true);

    // One day of history (ends now): 24 sessions an hour apart, seeded CDRs aside.
    const dayStart = new Date(newest - DAY_MS + 1).toISOString();
    const day = await api<CdrPage>(
      'GET',
      `${CDR}?simSerial=${iccid}&originCountry=FR&startDate=${encodeURIComponent(dayStart)}&size=1000`,
    );
    const hourly = day.body.content.filter((c) => c.body.dataSession.usage.total === 100_000);
    expect(hourly).toHaveLength(24);

    const inventoryAfter = (
      await api<Inventory>('GET', `${INVENTORY}?msisdn=${msisdnFor('active', 0)}&withBalances=true`)
    ).body;
    expect(inventoryAfter).toEqual(inventoryBefore);
    expect(sim.counters().webhooks.emitted).toBe(emitted);
  });

  it('takes sessionsPerDay, bytesPerSession and country, and appends to what is there', async () => {
    const iccid = iccidFor('suspended', 1);
    const add = (body: Record<string, unknown>) =>
      admin<{ added: number }>('POST', `/sims/${iccid}/traffic-history`, body);
    expect((await add({ days: 2, sessionsPerDay: 3, bytesPerSession: 5, country: 'de' })).body.added).toBe(6);
    expect((await add({ days: 1, sessionsPerDay: 48 })).body.added).toBe(48);
    const page = await api<CdrPage>('GET', `${CDR}?imsi=${imsiFor('suspended', 1)}&size=1000`);
    expect(page.body.totalElements).toBe(54);
    expect(isNewestFirst(dates(page.body))).toBe(true);
    const de = page.body.content.filter((c) => c.body.dataSession.originCountry === 'DE');
    expect(de).toHaveLength(6);
    expect(de.every((c) => c.body.dataSession.usage.total === 5)).toBe(true);
  });

  it('validates the body and the SIM', async () => {
    const iccid = iccidFor('active', 0);
    for (const body of [
      {},
      { days: 0 },
      { days: 3661 },
      { days: 1, sessionsPerDay: 0 },
      { days: 1, sessionsPerDay: 49 },
      { days: 1, bytesPerSession: -1 },
      { days: 1, country: 'FRA' },
    ]) {
      expect((await admin('POST', `/sims/${iccid}/traffic-history`, body)).status).toBe(400);
    }
    expect((await admin('POST', '/sims/8988247990000000000/traffic-history', { days: 1 })).status).toBe(404);
  });
});

describe('/_sim/sims/{iccid}/unprovision', () => {
  const sims: RunningSimulator[] = [];
  afterAll(() => Promise.all(sims.map((s) => s.close())));

  for (const variant of SIMULATOR_VARIANTS) {
    it(`refuses every activation until cleared (${variant})`, async () => {
      const sim = await startTestSim({ variant });
      sims.push(sim);
      const api = apiClient(sim, await getToken(sim));
      const admin = adminClient(sim);
      const iccid = iccidFor('available', 3);
      const activate = () =>
        api<Problem>('POST', `${CM}/subscribers/sim-serial/${iccid}/activate`, {
          ratePlan: RATE_PLAN,
        });

      const set = await admin('POST', `/sims/${iccid}/unprovision`);
      expect(set.status).toBe(200);
      for (let i = 0; i < 2; i++) {
        const refused = await activate();
        expect(refused.status).toBe(400);
        expect(refused.body).toMatchObject({
          title: 'BAD_REQUEST',
          detail: 'Subscriber is not ready for activation: the SIM is not provisioned',
        });
      }
      const subscriber = await api<Subscriber>('GET', `${CM}/subscribers/sim-serial/${iccid}`);
      expect(subscriber.body.status.toLowerCase()).toBe('available');

      await admin('POST', `/sims/${iccid}/unprovision`, { detail: 'ICCID unknown to the HLR' });
      expect((await activate()).body.detail).toBe('ICCID unknown to the HLR');

      expect((await admin('DELETE', `/sims/${iccid}/unprovision`)).status).toBe(200);
      expect([200, 201]).toContain((await activate()).status);
      await waitFor(async () => {
        const s = await api<Subscriber>('GET', `${CM}/subscribers/sim-serial/${iccid}`);
        return s.body.status.toLowerCase() !== 'available';
      });

      // A reset clears it too.
      const other = iccidFor('available', 4);
      await admin('POST', `/sims/${other}/unprovision`);
      await admin('POST', '/reset');
      const after = await api('POST', `${CM}/subscribers/sim-serial/${other}/activate`, {
        ratePlan: RATE_PLAN,
      });
      expect([200, 201]).toContain(after.status);
    });
  }

  it('answers 404 for an unknown SIM', async () => {
    const sim = await startTestSim();
    sims.push(sim);
    expect((await adminClient(sim)('POST', '/sims/8988247990000000000/unprovision')).status).toBe(404);
    expect((await adminClient(sim)('DELETE', '/sims/8988247990000000000/unprovision')).status).toBe(404);
  });
});
