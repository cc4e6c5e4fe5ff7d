import { decodeHistoryCursor } from '#shared/store/history-keys.js';
import * as z from '#shared/zod.js';

/** GET /v1/sims/{iccid}/events. */

export const DEFAULT_EVENTS_PAGE = 50;
export const MAX_EVENTS_PAGE = 200;
export const MAX_EVENT_TYPES = 20;

const isoInstant = z.union([z.iso.datetime({ offset: true }), z.iso.date()]);

function isCursor(value: string): boolean {
  try {
    decodeHistoryCursor(value);
    return true;
  } catch {
    return false;
  }
}

const typeList = /^[A-Za-z0-9_.-]{1,100}(?:,[A-Za-z0-9_.-]{1,100})*$/;

export const simEventsQuerySchema = z.strictObject({
  from: z
    .optional(isoInstant)
    .check(z.meta({ description: 'Entries at or after this instant (a date is its midnight UTC)' })),
  to: z.optional(isoInstant).check(z.meta({ description: 'Entries before this instant' })),
  type: z.optional(
    z.string().check(
      z.regex(typeList, 'must be event types separated by commas, such as sim.activated,order.COMPLETED'),
      z.refine(
        (list) => list.split(',').length <= MAX_EVENT_TYPES,
        `must name at most ${MAX_EVENT_TYPES} types`,
      ),
      z.meta({
        description:
          'Only these types (exact, comma-separated): sim.activated, plan.activated, data.exhausted, order.COMPLETED, operator.action, policy.topup_ordered...',
      }),
    ),
  ),
  limit: z._default(
    z.coerce.number().check(z.int(), z.minimum(1), z.maximum(MAX_EVENTS_PAGE)),
    DEFAULT_EVENTS_PAGE,
  ),
  cursor: z.optional(
    z
      .string()
      .check(
        z.refine(isCursor, 'is not a cursor this API gave: pass the nextCursor of the previous page'),
        z.meta({ description: 'The nextCursor of the previous page' }),
      ),
  ),
});
