import * as z from '../zod.js';

/**
 * A client's Idempotency-Key. Its own module, free of the DynamoDB client, so that functions which only
 * validate the header (the OpenAPI document, every API function through shared/api/schemas.ts) do not
 * bundle the store.
 */
export const idempotencyKeySchema = z
  .string()
  .check(
    z.minLength(1, 'must not be empty'),
    z.maxLength(255, 'must be at most 255 characters'),
    z.regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces'),
  );
