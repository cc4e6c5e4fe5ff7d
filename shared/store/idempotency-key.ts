import * as z from '../zod.js';

/**
 * A client's Idempotency-Key. Its own module, free of the DynamoDB client, so that what only validates the
 * header (the ordering routes' request schemas, shared/api/requests/ordering.ts, and the OpenAPI document)
 * does not bundle the store.
 */
export const idempotencyKeySchema = z
  .string()
  .check(
    z.minLength(1, 'must not be empty'),
    z.maxLength(255, 'must be at most 255 characters'),
    z.regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces'),
  );
