import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { iccidFor, imsiFor, msisdnFor, type RunningSimulator, SMDP_ADDRESS } from '#local/simulator/index.js';
import { adminClient, apiClient, getToken, type Problem, startTestSim } from './helpers.js';

const SEARCH = '/sim-search/api/sim/search';
const ESIM = '/sim-management/sims/api/esims/sim-serial';
const CDR = '/network/usage/api/cdr';

interface SearchPage {
  sims: {
    simSerial: string;
    msisdn?: string;
    status: string;
    simType: string;
    mvnoRef: string;
    group?: string;
  }[];
  page: number;
  size: number;
  totalPages: number;
  totalElements: number;
}

interface Esim {
  simSerial: string;
  status: string;
  activationCode?: string;
  matchingId?: string;
  smdpAddress?: string;
  eid?: string;
  qrCode?: { value: string; dataUrl: string };
  history?: { status: string; date: string }[];
}

interface CdrPage {
  content: {
    header: { eventDate: string; eventType: string };
    body: {
      dataSession: {
        originCountry: string;
        mcc: string;
        usage: { uplink: number; downlink: number; total: number };
      };
    };
  }[];
  totalElements: number;
  totalPages: number;
  number: number;
  size: number;
}

describe('simulator read APIs', () => {
  let sim: RunningSimulator;
  let api: ReturnType<typeof apiClient>;
  beforeAll(async () => {
    sim = await startTestSim();
    api = apiClient(sim, await getToken(sim));
  });
  afterAll(() => sim.close());

  describe('SIM search', () => {
    it('filters with eq:, pages 1-based and sorts by simSerial', async () => {
      const res = await api<SearchPage>('GET', `${SEARCH}?status=eq:Active&simType=eq:esim&page=1&size=4`);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ page: 1, size: 4, totalElements: 6, totalPages: 2 });
      expect(res.body.sims.map((s) => s.simSerial)).toEqual(
        [0, 1, 2, 3].map((i) => iccidFor('active-esim', i)),
      );
      expect(res.body.sims[0]).toMatchObject({
        msisdn: `+${msisdnFor('active-esim', 0)}`,
        mvnoRef: 'M2MA_WW_TSL_LOCAL',
      });
      const page2 = await api<SearchPage>('GET', `${SEARCH}?status=eq:Active&simType=eq:esim&page=2&size=4`);
      expect(page2.body.sims.map((s) => s.simSerial)).toEqual([4, 5].map((i) => iccidFor('active-esim', i)));
    });

    it('treats a bare value as eq:, normalises Pre-activated and strips + from msisdn', async () => {
      const pre = await api<SearchPage>('GET', `${SEARCH}?status=Pre-activated&size=100`);
      expect(pre.body.totalElements).toBe(15);
      const byMsisdn = await api<SearchPage>('GET', `${SEARCH}?msisdn=eq:%2B${msisdnFor('suspended', 1)}`);
      expect(byMsisdn.body.sims.map((s) => s.simSerial)).toEqual([iccidFor('suspended', 1)]);
      const bySerial = await api<SearchPage>('GET', `${SEARCH}?simSerial=eq:${iccidFor('available', 0)}`);
      expect(bySerial.body.sims[0]).toMatchObject({ status: 'Available' });
      expect(bySerial.body.sims[0]?.msisdn).toBeUndefined();
      const group = await api<SearchPage>('GET', `${SEARCH}?group=eq:FLEET_A&status=eq:Suspended`);
      expect(group.body.totalElements).toBe(3);
    });

    it('rejects unknown fields, operators and bad paging', async () => {
      for (const q of ['colour=eq:red', 'status=ne:Active', 'page=0', 'size=10001']) {
        const res = await api<Problem>('GET', `${SEARCH}?${q}`);
        expect(res.status).toBe(400);
        expect(res.body.title).toBe('BAD_REQUEST');
      }
    });
  });

  describe('eSIM details', () => {
    it('serves released profiles with activation code and a PNG QR code', async () => {
      const iccid = iccidFor('preactivated-esim', 1);
      const res = await api<Esim>('GET', `${ESIM}/${iccid}?history=false`);
      expect(res.status).toBe(200);
      const e = res.body;
      expect(e).toMatchObject({ simSerial: iccid, status: 'released', smdpAddress: SMDP_ADDRESS });
      expect(e.matchingId).toMatch(/^[A-Z0-9]{4}(-[A-Z0-9]{4}){3}$/);
      expect(e.activationCode).toBe(`1$${SMDP_ADDRESS}$${e.matchingId}`);
      expect(e.qrCode?.value).toBe(`LPA:${e.activationCode}`);
      expect(e.qrCode?.dataUrl).toMatch(/^data:image\/png;base64,/);
      const png = Buffer.from(e.qrCode?.dataUrl.split(',')[1] ?? '', 'base64');
      expect(png.subarray(1, 4).toString('ascii')).toBe('PNG');
      expect(e.eid).toBeUndefined();
      expect(e.history).toBeUndefined();
    });

    it('serves enabled profiles with an EID and a history on request', async () => {
      const res = await api<Esim>('GET', `${ESIM}/${iccidFor('active-esim', 0)}?history=true`);
      expect(res.body.status).toBe('enabled');
      expect(res.body.eid).toMatch(/^[0-9]{32}$/);
      expect(res.body.history?.map((h) => h.status)).toEqual([
        'available',
        'allocated',
        'released',
        'downloaded',
        'installed',
        'enabled',
      ]);
    });

    it('answers 404 ESIM_NOT_FOUND for physical and unknown SIMs', async () => {
      for (const iccid of [iccidFor('active', 0), '8988247990000000000']) {
        const res = await api<Problem>('GET', `${ESIM}/${iccid}`);
        expect(res.status).toBe(404);
        expect(res.body).toMatchObject({ title: 'ESIM_NOT_FOUND', detail: 'Unknown eSIM' });
      }
    });

    it('drives profile transitions through /_sim with SIM-MANAGEMENT events', async () => {
      const iccid = iccidFor('available-esim', 1);
      const res = await adminClient(sim)<Esim>('POST', `/esims/${iccid}/status`, { status: 'installed' });
      expect(res.status).toBe(200);
      expect(res.body.status).toBe('installed');
      expect(res.body.eid).toMatch(/^[0-9]{32}$/);
      const events = await adminClient(sim)<{ events: { eventType: string; body: unknown }[] }>(
        'GET',
        '/events?type=SIM-MANAGEMENT/ESIM/INSTALLED',
      );
      expect(events.body.events.at(-1)?.body).toEqual({
        simSerial: iccid,
        eid: res.body.eid,
        status: 'installed',
      });
    });
  });

  describe('network usage CDRs', () => {
    it('pages seeded CDRs (0-based) and filters by date window', async () => {
      const imsi = imsiFor('active', 0);
      const all = await api<CdrPage>('GET', `${CDR}?imsi=${imsi}&size=1000`);
      expect(all.status).toBe(200);
      expect(all.body.totalElements).toBeGreaterThanOrEqual(5);
      expect(all.body.number).toBe(0);
      const countries = new Set(all.body.content.map((c) => c.body.dataSession.originCountry));
      expect(countries.size).toBeGreaterThanOrEqual(2);
      expect(countries.size).toBeLessThanOrEqual(3);
      const first = all.body.content[0];
      expect(first?.header.eventType).toBe('DATA_SESSION');
      const usage = first?.body.dataSession.usage;
      expect((usage?.uplink ?? 0) + (usage?.downlink ?? 0)).toBe(usage?.total);
      const since = Date.now() - 31 * 86_400_000;
      expect(all.body.content.every((c) => Date.parse(c.header.eventDate) >= since)).toBe(true);

      const page1 = await api<CdrPage>('GET', `${CDR}?imsi=${imsi}&size=2&page=1`);
      expect(page1.body.content).toEqual(all.body.content.slice(2, 4));
      expect(page1.body.totalPages).toBe(Math.ceil(all.body.totalElements / 2));

      // Newest first: content[2] is the third most recent CDR.
      const pivot = all.body.content[2]?.header.eventDate ?? '';
      const before = await api<CdrPage>('GET', `${CDR}?imsi=${imsi}&endDate=${encodeURIComponent(pivot)}`);
      const from = await api<CdrPage>('GET', `${CDR}?imsi=${imsi}&startDate=${encodeURIComponent(pivot)}`);
      expect(before.body.totalElements).toBe(all.body.totalElements - 3);
      expect(from.body.totalElements).toBe(3);
    });

    it('validates the query', async () => {
      expect((await api<Problem>('GET', CDR)).body.detail).toContain("'imsi'");
      expect((await api<Problem>('GET', `${CDR}?imsi=1234567&startDate=yesterday`)).body.detail).toContain(
        "'startDate'",
      );
      expect((await api<Problem>('GET', `${CDR}?imsi=1234567&size=1001`)).status).toBe(400);
      expect((await api<CdrPage>('GET', `${CDR}?imsi=208019900000000`)).body.totalElements).toBe(0);
    });
  });
});
