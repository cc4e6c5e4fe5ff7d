import * as z from 'zod';

/**
 * A client's Idempotency-Key. Its own module, free of the DynamoDB client, so that functions which only
 * validate the header (the OpenAPI document, every API function through shared/api/schemas.ts) do not
 * bundle the store.
 */
export const idempotencyKeySchema = z
  .string()
  .min(1, 'must not be empty')
  .max(255, 'must be at most 255 characters')
  .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces');
