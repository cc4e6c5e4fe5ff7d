import { lazy } from '../lazy.js';
import * as z from '../zod.js';
import type { TransatelHttp } from './http.js';
import { tolerant, tolerantList, tolerantString } from './wire.js';

const CDR_PATH = '/network/usage/api/cdr';
const PAGE_SIZE = 1_000;

const bytes = z.coerce.number().check(z.nonnegative());

/** A CDR is counted when it says when it happened; its figures and country are read where they parse. */
const cdrSchema = lazy(() =>
  z.looseObject({
    header: z.looseObject({ eventDate: z.string().check(z.minLength(1)) }),
    body: tolerant(
      'cdr.body',
      z.looseObject({
        dataSession: tolerant(
          'cdr.dataSession',
          z.looseObject({
            originCountry: tolerantString('cdr.originCountry'),
            usage: tolerant(
              'cdr.usage',
              z.looseObject({
                uplink: tolerant('cdr.usage.uplink', bytes),
                downlink: tolerant('cdr.usage.downlink', bytes),
                total: tolerant('cdr.usage.total', bytes),
              }),
            ),
          }),
        ),
      }),
    ),
  }),
);

const cdrPageSchema = lazy(() =>
  z.looseObject({
    content: tolerantList('cdr.content', cdrSchema()),
    totalPages: tolerant('cdr.totalPages', z.coerce.number().check(z.int(), z.nonnegative())),
  }),
);

export interface DataSessionRecord {
  at: string;
  country: string | undefined;
  uplinkBytes: number;
  downlinkBytes: number;
  totalBytes: number;
}

export interface UsageFigures {
  totalBytes: number;
  uplinkBytes: number;
  downlinkBytes: number;
  sessions: number;
}

export interface UsageReport extends UsageFigures {
  from: string;
  to: string;
  byCountry: (UsageFigures & { country: string })[];
  /** False when the page or time bound stopped the reading before the period was read in full. */
  complete: boolean;
}

export interface UsageQuery {
  /** The line, by ICCID: usage never depends on knowing the IMSI. */
  iccid: string;
  /** Sent too when known, for a Transatel that keys CDRs on the IMSI. */
  imsi?: string | undefined;
  /** Inclusive start, ISO-8601. */
  from: Date;
  /** Exclusive end, ISO-8601. */
  to: Date;
  /** ISO-2: only sessions that started in this country. */
  country?: string | undefined;
  /** Stop reading at this time (epoch ms), leaving the report incomplete. */
  deadline?: number | undefined;
  /** Stop reading after this many pages (default 100), leaving the report incomplete. */
  maxPages?: number | undefined;
}

const DEFAULT_MAX_PAGES = 100;

const emptyFigures = (): UsageFigures => ({ totalBytes: 0, uplinkBytes: 0, downlinkBytes: 0, sessions: 0 });

function add(figures: UsageFigures, record: DataSessionRecord): void {
  figures.totalBytes += record.totalBytes;
  figures.uplinkBytes += record.uplinkBytes;
  figures.downlinkBytes += record.downlinkBytes;
  figures.sessions += 1;
}

/**
 * Network Usage: data sessions (CDRs) of a line, summed up over a period here. Transatel is asked for the
 * period and the country; both are applied again here, so a server that ignores them still gives right
 * figures. Reading is bounded in pages and time, and stops early once a newest-first answer has gone past
 * the period: a line with years of traffic never has to be read in full.
 */
export class NetworkUsageApi {
  constructor(private readonly http: TransatelHttp) {}

  async getUsage(query: UsageQuery): Promise<UsageReport> {
    const country = query.country?.toUpperCase();
    const fromMs = query.from.getTime();
    const toMs = query.to.getTime();
    const maxPages = query.maxPages ?? DEFAULT_MAX_PAGES;
    const total = emptyFigures();
    const byCountry = new Map<string, UsageFigures>();
    let complete = false;
    for (let page = 0; page < maxPages; page++) {
      if (query.deadline !== undefined && Date.now() >= query.deadline) break;
      const result = await this.http.call({
        operation: 'networkUsage.cdr',
        method: 'GET',
        path: CDR_PATH,
        query: {
          simSerial: query.iccid,
          imsi: query.imsi,
          startDate: query.from.toISOString(),
          endDate: query.to.toISOString(),
          originCountry: country,
          page,
          size: PAGE_SIZE,
        },
        schema: cdrPageSchema(),
        safety: 'read',
      });
      let newestFirst = true;
      let previous = Number.POSITIVE_INFINITY;
      for (const cdr of result.content) {
        const at = Date.parse(cdr.header.eventDate);
        if (Number.isNaN(at)) continue;
        if (at > previous) newestFirst = false;
        previous = at;
        const record = toRecord(cdr);
        if (!record || at < fromMs || at >= toMs) continue;
        if (country !== undefined && record.country !== country) continue;
        add(total, record);
        const key = record.country ?? 'UNKNOWN';
        const figures = byCountry.get(key) ?? emptyFigures();
        byCountry.set(key, figures);
        add(figures, record);
      }
      const lastPage =
        result.content.length === 0 ||
        (result.totalPages === undefined ? result.content.length < PAGE_SIZE : page + 1 >= result.totalPages);
      const pastThePeriod = newestFirst && previous < fromMs;
      if (lastPage || pastThePeriod) {
        complete = true;
        break;
      }
    }
    return {
      from: query.from.toISOString(),
      to: query.to.toISOString(),
      ...total,
      byCountry: [...byCountry]
        .map(([key, figures]) => ({ country: key, ...figures }))
        .sort((a, b) => b.totalBytes - a.totalBytes),
      complete,
    };
  }
}

function toRecord(cdr: z.output<ReturnType<typeof cdrSchema>>): DataSessionRecord | undefined {
  const session = cdr.body?.dataSession;
  const usage = session?.usage;
  if (!usage) return undefined;
  const uplink = usage.uplink ?? 0;
  const downlink = usage.downlink ?? 0;
  return {
    at: cdr.header.eventDate,
    country: session.originCountry?.toUpperCase(),
    uplinkBytes: uplink,
    downlinkBytes: downlink,
    totalBytes: usage.total ?? uplink + downlink,
  };
}
