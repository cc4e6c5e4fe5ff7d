import { iccidSchema } from '#shared/transatel/identifiers.js';
import * as z from '#shared/zod.js';

/** The `{iccid}` path parameter of the SIM routes. */

export const iccidParamsSchema = z.object({
  iccid: iccidSchema.check(z.meta({ description: 'ICCID: 19-20 digits with a Luhn check digit' })),
});
