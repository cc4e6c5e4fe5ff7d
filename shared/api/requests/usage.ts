import { countryCodeSchema } from '#shared/transatel/identifiers.js';
import * as z from '#shared/zod.js';

/** GET /v1/sims/{iccid}/usage. */

const isoInstant = z.union([z.iso.datetime({ offset: true }), z.iso.date()]);

export const usageQuerySchema = z.strictObject({
  from: z.optional(isoInstant),
  to: z.optional(isoInstant),
  country: z.optional(countryCodeSchema),
});
