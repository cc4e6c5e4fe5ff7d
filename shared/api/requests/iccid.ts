import { iccidSchema } from '../../transatel/identifiers.js';
import * as z from '../../zod.js';

/** The `{iccid}` path parameter of the SIM routes. */

export const iccidParamsSchema = z.object({
  iccid: iccidSchema.check(z.meta({ description: 'ICCID: 19-20 digits with a Luhn check digit' })),
});
