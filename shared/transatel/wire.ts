import * as z from 'zod';

/** An optional text field of a Transatel response: absent, null and "" all read as undefined. */
export const optionalString = z
  .string()
  .nullish()
  .transform((value) => value || undefined);
