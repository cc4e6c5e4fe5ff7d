import { lazy } from '../lazy.js';
import * as z from '../zod.js';
import { normalizeSubscriberStatus, type SubscriberStatus } from './connectivity-wire.js';
import { TransatelInvalidResponseError } from './errors.js';
import type { TransatelHttp } from './http.js';
import { tolerant, tolerantList, tolerantString } from './wire.js';

const PATH = '/sim-search/api/sim/search';

export interface SimRecord {
  iccid: string;
  msisdn: string | undefined;
  status: SubscriberStatus;
  simType: string | undefined;
  ratePlan: string | undefined;
  group: string | undefined;
  reference: string | undefined;
  activationDate: string | undefined;
  esimProfileStatus: string | undefined;
  lastSeenDate: string | undefined;
  lastOriginCountry: string | undefined;
}

/** A record is listed only with its ICCID and status; the rest is optional or inferred. */
const simRecordSchema = lazy(() =>
  z.pipe(
    z.looseObject({
      simSerial: z.string().check(z.minLength(1)),
      msisdn: tolerantString('simRecord.msisdn'),
      status: z.string().check(z.minLength(1)),
      simType: tolerantString('simRecord.simType'),
      ratePlan: tolerantString('simRecord.ratePlan'),
      group: tolerantString('simRecord.group'),
      externalReference: tolerantString('simRecord.externalReference'),
      activationDate: tolerantString('simRecord.activationDate'),
      lastEsimProfileStatus: tolerantString('simRecord.lastEsimProfileStatus'),
      lastSeenDate: tolerantString('simRecord.lastSeenDate'),
      lastOriginCountry: tolerantString('simRecord.lastOriginCountry'),
    }),
    z.transform(
      (wire): SimRecord => ({
        iccid: wire.simSerial,
        // SIM Search returns MSISDNs with a leading '+'; everything else in the API wants digits only.
        msisdn: wire.msisdn?.replace(/^\+/, ''),
        status: normalizeSubscriberStatus(wire.status),
        simType: wire.simType,
        ratePlan: wire.ratePlan,
        group: wire.group,
        reference: wire.externalReference,
        activationDate: wire.activationDate,
        esimProfileStatus: wire.lastEsimProfileStatus,
        lastSeenDate: wire.lastSeenDate,
        lastOriginCountry: wire.lastOriginCountry,
      }),
    ),
  ),
);

const count = z.coerce.number().check(z.int(), z.nonnegative());

const searchResponseSchema = lazy(() =>
  z.looseObject({
    sims: tolerantList('simSearch.sims', simRecordSchema()),
    totalPages: tolerant('simSearch.totalPages', count),
    totalElements: tolerant('simSearch.totalElements', count),
  }),
);

export interface SimSearchFilters {
  status?: string;
  group?: string;
  reference?: string;
  simType?: string;
}

export interface SimSearchPage {
  sims: SimRecord[];
  /** 1-based. */
  page: number;
  size: number;
  totalPages: number;
  totalElements: number;
}

export const MAX_SEARCH_PAGE_SIZE = 10_000;

/** When Transatel ignores a filter, at most this many SIMs are read to filter them here. */
export const MAX_FILTERED_SCAN = 50_000;
const SCAN_PAGE_SIZE = 1_000;

type FilterName = keyof SimSearchFilters;

/** Each filter: its SIM Search field, how it is sent, and how a record is checked against it. */
const FILTERS: Record<
  FilterName,
  {
    field: string;
    wire: (value: string) => string;
    value: (sim: SimRecord) => string | undefined;
    same: (a: string, b: string) => boolean;
  }
> = {
  // SIM Search matches the status text exactly, and spells it `Pre-Activated`.
  status: {
    field: 'status',
    wire: (value) => (normalizeSubscriberStatus(value) === 'Pre-activated' ? 'Pre-Activated' : value),
    value: (sim) => sim.status,
    same: (a, b) => normalizeSubscriberStatus(a) === normalizeSubscriberStatus(b),
  },
  group: { field: 'group', wire: (v) => v, value: (sim) => sim.group, same: (a, b) => a === b },
  reference: {
    field: 'externalReference',
    wire: (v) => v,
    value: (sim) => sim.reference,
    same: (a, b) => a === b,
  },
  simType: {
    field: 'simType',
    wire: (v) => v,
    value: (sim) => sim.simType,
    same: (a, b) => a.toLowerCase() === b.toLowerCase(),
  },
};

type ActiveFilter = [FilterName, string];

function activeFilters(filters: SimSearchFilters): ActiveFilter[] {
  return (Object.keys(FILTERS) as FilterName[]).flatMap((name): ActiveFilter[] => {
    const value = filters[name];
    return value === undefined ? [] : [[name, value]];
  });
}

/** A record that says nothing of a field cannot be shown not to match it: only a different value can. */
function contradicts(sim: SimRecord, [name, value]: ActiveFilter): boolean {
  const actual = FILTERS[name].value(sim);
  return actual !== undefined && !FILTERS[name].same(actual, value);
}

/**
 * SIM Search: the fleet inventory, filtered and paged. It may lag behind the live status. Transatel does
 * not publish which filters it supports: every record is checked against the filters asked for, and a
 * filter Transatel is seen to ignore is applied here from then on, over a bounded scan of the fleet.
 */
export class SimSearchApi {
  /** Filters this process has seen Transatel ignore. */
  private readonly ignored = new Set<FilterName>();

  constructor(private readonly http: TransatelHttp) {}

  async search(
    filters: SimSearchFilters = {},
    paging: { page?: number; size?: number } = {},
  ): Promise<SimSearchPage> {
    const page = paging.page ?? 1;
    const size = Math.min(paging.size ?? 100, MAX_SEARCH_PAGE_SIZE);
    const active = activeFilters(filters);
    if (!active.some(([name]) => this.ignored.has(name))) {
      const answer = await this.fetchPage(active, page, size);
      const ignoredNow = active.filter((filter) => answer.sims.some((sim) => contradicts(sim, filter)));
      if (ignoredNow.length === 0) return { ...answer, page, size };
      for (const [name] of ignoredNow) {
        this.ignored.add(name);
        this.http.settings.logger.warn('Transatel SIM Search ignores a filter: applying it here', {
          filter: name,
        });
      }
    }
    return this.scan(active, page, size);
  }

  /** Every SIM matching the filters, page after page. */
  async *all(filters: SimSearchFilters = {}, pageSize = 1_000): AsyncGenerator<SimRecord> {
    for (let page = 1; ; page++) {
      const result = await this.search(filters, { page, size: pageSize });
      yield* result.sims;
      if (page >= result.totalPages || result.sims.length === 0) return;
    }
  }

  private async fetchPage(filters: readonly ActiveFilter[], page: number, size: number) {
    const query: Record<string, string | number> = { page, size };
    for (const [name, value] of filters) query[FILTERS[name].field] = `eq:${FILTERS[name].wire(value)}`;
    const answer = await this.http.call({
      operation: 'simSearch.search',
      method: 'GET',
      path: PATH,
      query,
      schema: searchResponseSchema(),
      safety: 'read',
    });
    const totalElements = answer.totalElements ?? answer.sims.length;
    return {
      sims: answer.sims,
      totalPages: answer.totalPages ?? Math.ceil(totalElements / size),
      totalElements,
    };
  }

  /** Reads the fleet with the filters Transatel honours and applies the others here, up to a bound. */
  private async scan(active: readonly ActiveFilter[], page: number, size: number): Promise<SimSearchPage> {
    const sent = active.filter(([name]) => !this.ignored.has(name));
    const start = (page - 1) * size;
    const sims: SimRecord[] = [];
    let matched = 0;
    for (let serverPage = 1, read = 0; ; serverPage++) {
      const answer = await this.fetchPage(sent, serverPage, SCAN_PAGE_SIZE);
      read += answer.sims.length;
      for (const sim of answer.sims) {
        if (active.some((filter) => contradicts(sim, filter))) continue;
        if (matched >= start && sims.length < size) sims.push(sim);
        matched++;
      }
      if (serverPage >= answer.totalPages || answer.sims.length === 0) break;
      if (read >= MAX_FILTERED_SCAN) {
        throw new TransatelInvalidResponseError({
          operation: 'simSearch.search',
          issues: [
            `Transatel ignores the ${[...this.ignored].join(', ')} filter and the fleet has more than ${MAX_FILTERED_SCAN} SIMs to filter here`,
          ],
        });
      }
    }
    return { sims, page, size, totalPages: Math.ceil(matched / size), totalElements: matched };
  }
}
