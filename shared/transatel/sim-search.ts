import * as z from '../zod.js';
import { normalizeSubscriberStatus, type SubscriberStatus } from './connectivity.js';
import type { TransatelHttp } from './http.js';
import { optionalString } from './wire.js';

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

const simRecordSchema = z.pipe(
  z.looseObject({
    simSerial: z.string(),
    msisdn: optionalString,
    status: z.string(),
    simType: optionalString,
    ratePlan: optionalString,
    group: optionalString,
    externalReference: optionalString,
    activationDate: optionalString,
    lastEsimProfileStatus: optionalString,
    lastSeenDate: optionalString,
    lastOriginCountry: optionalString,
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
);

const searchResponseSchema = z.looseObject({
  sims: z._default(z.array(simRecordSchema), []),
  page: z.optional(z.coerce.number().check(z.int())),
  size: z.optional(z.coerce.number().check(z.int())),
  totalPages: z._default(z.coerce.number().check(z.int(), z.nonnegative()), 0),
  totalElements: z.optional(z.coerce.number().check(z.int(), z.nonnegative())),
});

export interface SimSearchFilters {
  status?: string;
  group?: string;
  reference?: string;
  simType?: string;
  /** Any other SimRecord field, matched for equality. */
  fields?: Record<string, string>;
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

/** SIM Search matches the status text exactly, and spells it `Pre-Activated`. */
function toSearchStatus(status: string): string {
  return normalizeSubscriberStatus(status) === 'Pre-activated' ? 'Pre-Activated' : status;
}

/** SIM Search: the fleet inventory, filtered and paged. It may lag behind the live status. */
export class SimSearchApi {
  constructor(private readonly http: TransatelHttp) {}

  async search(
    filters: SimSearchFilters = {},
    paging: { page?: number; size?: number } = {},
  ): Promise<SimSearchPage> {
    const page = paging.page ?? 1;
    const size = Math.min(paging.size ?? 100, MAX_SEARCH_PAGE_SIZE);
    const query: Record<string, string | number> = { page, size };
    const equalities: Record<string, string | undefined> = {
      ...filters.fields,
      status: filters.status === undefined ? undefined : toSearchStatus(filters.status),
      group: filters.group,
      externalReference: filters.reference,
      simType: filters.simType,
    };
    for (const [field, value] of Object.entries(equalities))
      if (value !== undefined) query[field] = `eq:${value}`;

    const response = await this.http.call({
      operation: 'simSearch.search',
      method: 'GET',
      path: PATH,
      query,
      schema: searchResponseSchema,
      safety: 'read',
    });
    return {
      sims: response.sims,
      page,
      size,
      totalPages: response.totalPages,
      totalElements: response.totalElements ?? response.sims.length,
    };
  }

  /** Every SIM matching the filters, page after page. */
  async *all(filters: SimSearchFilters = {}, pageSize = 1_000): AsyncGenerator<SimRecord> {
    for (let page = 1; ; page++) {
      const result = await this.search(filters, { page, size: pageSize });
      yield* result.sims;
      if (page >= result.totalPages || result.sims.length === 0) return;
    }
  }
}
