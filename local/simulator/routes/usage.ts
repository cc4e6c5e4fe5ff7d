import * as z from 'zod';
import type { SimulatorCore } from '../core.js';
import { cdrIndex } from '../domain/usage.js';
import { json } from '../http.js';
import { badRequest } from '../problem.js';
import type { RouteDef } from '../router.js';
import type { Cdr, Sim } from '../state.js';
import { parseWith, queryObject } from '../validation.js';

const isoDate = z
  .string()
  .refine((v) => !Number.isNaN(Date.parse(v)), 'must be an ISO-8601 date')
  .transform((v) => new Date(v).toISOString());

const querySchema = z.object({
  imsi: z
    .string()
    .regex(/^[0-9]{5,15}$/, 'must be 5 to 15 digits')
    .optional(),
  simSerial: z
    .string()
    .regex(/^[0-9]{13,20}$/, 'must be 13 to 20 digits')
    .optional(),
  startDate: isoDate.optional(),
  endDate: isoDate.optional(),
  originCountry: z
    .string()
    .regex(/^[A-Za-z]{2}$/, 'must be an ISO 3166-1 alpha-2 code such as FR')
    .transform((v) => v.toUpperCase())
    .optional(),
  page: z.coerce.number().int().min(0).default(0),
  size: z.coerce.number().int().min(1).max(1000).default(100),
});

function cdrView(c: Cdr): Record<string, unknown> {
  return {
    header: { eventDate: c.eventDate, eventType: 'DATA_SESSION' },
    body: {
      dataSession: {
        apn: c.apn,
        originCountry: c.originCountry,
        mcc: c.mcc,
        mnc: c.mnc,
        rat: c.rat,
        imei: c.imei,
        usage: { uplink: c.uplink, downlink: c.downlink, total: c.total },
      },
    },
  };
}

/** The line both identifiers designate; undefined when either is unknown or they name different lines. */
function lineOf(
  core: SimulatorCore,
  imsi: string | undefined,
  simSerial: string | undefined,
): Sim | undefined {
  const byImsi = imsi === undefined ? undefined : core.state.findByImsi(imsi);
  const bySerial = simSerial === undefined ? undefined : core.state.getSim(simSerial);
  if (imsi !== undefined && simSerial !== undefined) return byImsi === bySerial ? byImsi : undefined;
  return byImsi ?? bySerial;
}

export function usageRoutes(core: SimulatorCore): RouteDef[] {
  return [
    {
      id: 'usageCdr',
      method: 'GET',
      pattern: '/network/usage/api/cdr',
      handler: (ctx) => {
        const q = parseWith(querySchema, queryObject(ctx.query), 'query');
        if (q.imsi === undefined && q.simSerial === undefined) {
          throw badRequest(`Invalid field 'imsi': is required (or 'simSerial')`);
        }
        // A line we do not know is simply a filter that matches nothing (Spring page semantics).
        const all = lineOf(core, q.imsi, q.simSerial)?.cdrs ?? [];
        const honour = core.variant.usageFilters === 'honour';
        const startDate = honour ? q.startDate : undefined;
        const endDate = honour ? q.endDate : undefined;
        const country = honour ? q.originCountry : undefined;
        // CDRs are kept sorted by eventDate: the window is two binary searches (inclusive start, exclusive end).
        const lo = startDate === undefined ? 0 : cdrIndex(all, startDate);
        const hi = endDate === undefined ? all.length : Math.max(lo, cdrIndex(all, endDate));
        const start = q.page * q.size;
        let total: number;
        const content: Record<string, unknown>[] = [];
        if (country === undefined) {
          // Newest first: the k-th element of the answer is all[hi - 1 - k].
          total = hi - lo;
          for (let k = start; k < Math.min(total, start + q.size); k++) {
            content.push(core.variant.cdr(cdrView(all[hi - 1 - k] as Cdr)));
          }
        } else {
          const hits: Cdr[] = [];
          for (let i = hi - 1; i >= lo; i--) {
            const c = all[i] as Cdr;
            if (c.originCountry === country) hits.push(c);
          }
          total = hits.length;
          for (const c of hits.slice(start, start + q.size)) content.push(core.variant.cdr(cdrView(c)));
        }
        return json(200, {
          content,
          totalElements: total,
          totalPages: Math.ceil(total / q.size),
          number: q.page,
          size: q.size,
        });
      },
    },
  ];
}
