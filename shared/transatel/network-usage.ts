import * as z from '../zod.js';
import type { TransatelHttp } from './http.js';

const CDR_PATH = '/network/usage/api/cdr';
const PAGE_SIZE = 1_000;

const cdrSchema = z.looseObject({
  header: z.looseObject({ eventDate: z.string() }),
  body: z.looseObject({
    dataSession: z.nullish(
      z.looseObject({
        originCountry: z.nullish(z.string()),
        usage: z.looseObject({
          uplink: z._default(z.coerce.number().check(z.nonnegative()), 0),
          downlink: z._default(z.coerce.number().check(z.nonnegative()), 0),
          total: z.optional(z.coerce.number().check(z.nonnegative())),
        }),
      }),
    ),
  }),
});

const cdrPageSchema = z.looseObject({
  content: z._default(z.array(cdrSchema), []),
  totalPages: z.optional(z.coerce.number().check(z.int(), z.nonnegative())),
  totalElements: z.optional(z.coerce.number().check(z.int(), z.nonnegative())),
});

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
}

export interface UsageQuery {
  imsi: string;
  /** Inclusive start, ISO-8601. */
  from: Date;
  /** Exclusive end, ISO-8601. */
  to: Date;
  /** ISO-2: only sessions that started in this country. */
  country?: string;
}

const emptyFigures = (): UsageFigures => ({ totalBytes: 0, uplinkBytes: 0, downlinkBytes: 0, sessions: 0 });

function add(figures: UsageFigures, record: DataSessionRecord): void {
  figures.totalBytes += record.totalBytes;
  figures.uplinkBytes += record.uplinkBytes;
  figures.downlinkBytes += record.downlinkBytes;
  figures.sessions += 1;
}

/** Network Usage: data sessions (CDRs) of a line, summed up over a period here. */
export class NetworkUsageApi {
  constructor(private readonly http: TransatelHttp) {}

  async *dataSessions(query: UsageQuery): AsyncGenerator<DataSessionRecord> {
    const fromMs = query.from.getTime();
    const toMs = query.to.getTime();
    for (let page = 0; ; page++) {
      const result = await this.http.call({
        operation: 'networkUsage.cdr',
        method: 'GET',
        path: CDR_PATH,
        query: {
          imsi: query.imsi,
          startDate: query.from.toISOString(),
          endDate: query.to.toISOString(),
          page,
          size: PAGE_SIZE,
        },
        schema: cdrPageSchema,
        safety: 'read',
      });
      for (const cdr of result.content) {
        const at = Date.parse(cdr.header.eventDate);
        const usage = cdr.body.dataSession?.usage;
        // The window is applied again here: a server that ignores the date filter still gives right figures.
        if (!usage || Number.isNaN(at) || at < fromMs || at >= toMs) continue;
        yield {
          at: cdr.header.eventDate,
          country: cdr.body.dataSession?.originCountry?.toUpperCase() ?? undefined,
          uplinkBytes: usage.uplink,
          downlinkBytes: usage.downlink,
          totalBytes: usage.total ?? usage.uplink + usage.downlink,
        };
      }
      const lastPage =
        result.totalPages === undefined ? result.content.length < PAGE_SIZE : page + 1 >= result.totalPages;
      if (lastPage || result.content.length === 0) return;
    }
  }

  async getUsage(query: UsageQuery): Promise<UsageReport> {
    const country = query.country?.toUpperCase();
    const total = emptyFigures();
    const byCountry = new Map<string, UsageFigures>();
    for await (const record of this.dataSessions(query)) {
      if (country !== undefined && record.country !== country) continue;
      add(total, record);
      const key = record.country ?? 'UNKNOWN';
      const figures = byCountry.get(key) ?? emptyFigures();
      byCountry.set(key, figures);
      add(figures, record);
    }
    return {
      from: query.from.toISOString(),
      to: query.to.toISOString(),
      ...total,
      byCountry: [...byCountry]
        .map(([key, figures]) => ({ country: key, ...figures }))
        .sort((a, b) => b.totalBytes - a.totalBytes),
    };
  }
}
