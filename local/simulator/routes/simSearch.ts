import * as z from 'zod';
import type { SimulatorCore } from '../core.js';
import { json } from '../http.js';
import { badRequest } from '../problem.js';
import type { RouteDef } from '../router.js';
import type { Sim } from '../state.js';
import { parseWith } from '../validation.js';
import { simRecordView } from '../views.js';

type Accessor = (sim: Sim) => string | undefined;

/** Filterable SimRecord fields (plus the IMSI aliases seen in the wild). */
function accessors(mvnoRef: string): Record<string, Accessor> {
  return {
    simSerial: (s) => s.iccid,
    msisdn: (s) => s.msisdn,
    status: (s) => s.status,
    simType: (s) => s.simType,
    mvnoRef: () => mvnoRef,
    ratePlan: (s) => s.ratePlan,
    group: (s) => s.group,
    externalReference: (s) => s.externalReference,
    activationDate: (s) => s.activationDate,
    lastEsimProfileStatus: (s) => s.esim?.status,
    lastSeenDate: (s) => s.lastSeenDate,
    lastOriginCountry: (s) => s.lastOriginCountry,
    primaryImsi: (s) => s.imsi,
    imsi: (s) => s.imsi,
  };
}

/** 'Pre-activated', 'Preactivated' and 'PRE-ACTIVATED' all mean the same status. */
function normaliseStatus(value: string): string {
  return value.toLowerCase().replace(/[^a-z]/g, '');
}

const CASE_INSENSITIVE = new Set(['status', 'simType', 'lastEsimProfileStatus']);
const OPERATOR = /^(eq|ne|neq|lt|lte|le|gt|gte|ge|in|like|contains|startswith):(.*)$/is;

interface Filter {
  field: string;
  value: string;
  get: Accessor;
}

function parseFilter(field: string, raw: string, get: Accessor): Filter {
  const m = OPERATOR.exec(raw);
  if (m && m[1]?.toLowerCase() !== 'eq') {
    throw badRequest(`Invalid field '${field}': unsupported operator '${m[1]}', only 'eq' is supported`);
  }
  let value = m ? (m[2] ?? '') : raw;
  if (field === 'msisdn') value = value.replace(/^\+/, '');
  if (CASE_INSENSITIVE.has(field)) value = normaliseStatus(value);
  return { field, value, get };
}

function matches(sim: Sim, f: Filter): boolean {
  const actual = f.get(sim);
  if (actual === undefined) return false;
  return (CASE_INSENSITIVE.has(f.field) ? normaliseStatus(actual) : actual) === f.value;
}

const pagingSchema = z.object({
  page: z.coerce.number().int().min(1).default(1),
  size: z.coerce.number().int().min(1).max(10_000).default(100),
});

export function simSearchRoutes(core: SimulatorCore): RouteDef[] {
  const fields = accessors(core.options.mvnoRef);
  const variant = core.variant;
  return [
    {
      id: 'simSearch',
      method: 'GET',
      pattern: '/sim-search/api/sim/search',
      handler: (ctx) => {
        const { page, size } = parseWith(
          pagingSchema,
          { page: ctx.query.get('page') ?? undefined, size: ctx.query.get('size') ?? undefined },
          'query',
        );
        const filters: Filter[] = [];
        for (const [field, raw] of ctx.query) {
          if (field === 'page' || field === 'size' || variant.simSearchIgnored.has(field)) continue;
          const get = fields[field];
          if (!get) {
            if (variant.simSearchUnknownFilters === 'ignore') continue;
            throw badRequest(`Invalid field '${field}': not a filterable SIM field`);
          }
          filters.push(parseFilter(field, raw, get));
        }
        const serial = filters.find((f) => f.field === 'simSerial');
        const candidates = serial
          ? [core.state.getSim(serial.value)].filter((s) => s !== undefined)
          : core.state.sims.values();
        const hits: Sim[] = [];
        for (const sim of candidates) if (filters.every((f) => matches(sim, f))) hits.push(sim);
        const start = (page - 1) * size;
        return json(200, {
          sims: hits
            .slice(start, start + size)
            .map((s) => variant.simRecord(simRecordView(s, core.options.mvnoRef))),
          page,
          size,
          totalPages: Math.ceil(hits.length / size),
          totalElements: hits.length,
        });
      },
    },
  ];
}
