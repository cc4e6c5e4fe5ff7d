import { describe, expect, it } from 'vitest';
import { orderSchema as publicOrderSchema } from '#shared/api/schemas.js';
import { orderSchema as storedOrderSchema } from '#shared/store/order.js';

// GET /v1/orders/{orderId} over dynalite: test/integration/functions/orders-api.test.ts.

describe('public order schema', () => {
  it('is the stored order minus the bookkeeping fields', () => {
    const stored = Object.keys(storedOrderSchema.shape);
    const exposed = Object.keys(publicOrderSchema.shape);
    expect(stored.filter((field) => !exposed.includes(field)).sort()).toEqual(
      ['activateFirst', 'attempts', 'idempotencyKey', 'planClaimedAt', 'requestHash', 'version'].sort(),
    );
    expect(exposed.every((field) => stored.includes(field))).toBe(true);
  });
});
