import * as z from '../zod.js';

/** An optional text field of a Transatel response: absent, null and "" all read as undefined. */
export const optionalString = z.pipe(
  z.nullish(z.string()),
  z.transform((value) => value || undefined),
);
