import * as z from 'zod';
import type { SimulatorCore } from '../core.js';
import { json } from '../http.js';
import type { RouteDef } from '../router.js';
import type { Cdr } from '../state.js';
import { parseWith, queryObject } from '../validation.js';

const isoDate = z
  .string()
  .refine((v) => !Number.isNaN(Date.parse(v)), 'must be an ISO-8601 date')
  .transform((v) => new Date(v).toISOString());

const querySchema = z.object({
  imsi: z
    .string({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be a string') })
    .regex(/^[0-9]{5,15}$/, 'must be 5 to 15 digits'),
  startDate: isoDate.optional(),
  endDate: isoDate.optional(),
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

export function usageRoutes(core: SimulatorCore): RouteDef[] {
  return [
    {
      id: 'usageCdr',
      method: 'GET',
      pattern: '/network/usage/api/cdr',
      handler: (ctx) => {
        const q = parseWith(querySchema, queryObject(ctx.query), 'query');
        // An IMSI we do not know is simply a filter that matches nothing (Spring page semantics).
        const all = core.state.findByImsi(q.imsi)?.cdrs ?? [];
        // ISO strings in UTC compare correctly as text: inclusive start, exclusive end.
        const cdrs = all.filter(
          (c) => (!q.startDate || c.eventDate >= q.startDate) && (!q.endDate || c.eventDate < q.endDate),
        );
        const start = q.page * q.size;
        return json(200, {
          content: cdrs.slice(start, start + q.size).map(cdrView),
          totalElements: cdrs.length,
          totalPages: Math.ceil(cdrs.length / q.size),
          number: q.page,
          size: q.size,
        });
      },
    },
  ];
}
