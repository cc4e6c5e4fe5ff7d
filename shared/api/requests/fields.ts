import * as z from '#shared/zod.js';

/** Fields several routes accept. */

export const planIdSchema = z.string().check(
  z.regex(
    /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/,
    'must be a plan id from GET /v1/plans (letters, digits, _ . -)',
  ),
  z.meta({
    description: 'A productId of the OCS catalog, as listed by GET /v1/plans',
    example: 'IOTC_CAPPED_EU_1GB_30D',
  }),
);

export const simOptionSchema = z
  .object({
    name: z.string().check(z.regex(/^[A-Za-z0-9_.-]{1,100}$/, 'must be a Transatel option name')),
    value: z.string().check(z.minLength(1), z.maxLength(100)),
  })
  .check(
    z.meta({ description: 'A Connectivity Management option: name and value (on/off, or a choice label)' }),
  );

export const referenceSchema = z.string().check(z.minLength(1), z.maxLength(255));
export const groupSchema = z.string().check(z.minLength(1), z.maxLength(50));
