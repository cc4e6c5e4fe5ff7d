import { countryCodeSchema } from '#shared/transatel/identifiers.js';
import * as z from '#shared/zod.js';

/** GET /v1/plans. */

export const plansQuerySchema = z.strictObject({ country: z.optional(countryCodeSchema) });
