import { countryCodeSchema } from '../../transatel/identifiers.js';
import * as z from '../../zod.js';

/** GET /v1/plans. */

export const plansQuerySchema = z.strictObject({ country: z.optional(countryCodeSchema) });
