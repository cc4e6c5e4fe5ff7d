import * as z from '../zod.js';

/**
 * A SIM's history: what happened to it, newest first. Transatel's events (normalized), policy decisions and
 * operator actions are written here as they happen; the order steps are read from the orders themselves
 * (their timelines) when the history is asked for. Entries expire after the stage's retention.
 */

export const historySources = ['transatel', 'order', 'policy', 'operator'] as const;
export type HistorySource = (typeof historySources)[number];

export const historyEntrySchema = z.object({
  iccid: z.string().check(z.regex(/^[0-9]{13,20}$/)),
  /** ISO-8601, when it happened. */
  at: z.iso.datetime(),
  /** Unique within the SIM's history at that instant (a ULID, an event id...): entries never overwrite each other. */
  id: z.string().check(z.minLength(1), z.maxLength(200)),
  source: z.enum(historySources),
  /** e.g. `data.exhausted`, `policy.topup_ordered`, `policy.limit_reached`, `policy.skipped`, `operator.action`. */
  type: z.string().check(z.minLength(1), z.maxLength(100)),
  /** One line for a person. */
  summary: z.string().check(z.maxLength(1000)),
  orderId: z.optional(z.string()),
  policyId: z.optional(z.string()),
  /** Transatel's event id, for an event. */
  eventId: z.optional(z.string()),
  /** Operator actions: the caller's IAM principal (`local` in the local runtime), the route and its outcome. */
  actor: z.optional(z.string()),
  route: z.optional(z.string()),
  outcome: z.optional(z.object({ status: z.number().check(z.int()), title: z.optional(z.string()) })),
  details: z.optional(z.record(z.string(), z.unknown())),
});
export type HistoryEntry = z.output<typeof historyEntrySchema>;

export interface HistoryQuery {
  /** Inclusive. */
  from?: Date | undefined;
  /** Exclusive. */
  to?: Date | undefined;
  /** Only entries of these types (exact match). */
  types?: readonly string[] | undefined;
  /** Page size. */
  limit: number;
  /** Opaque: the `nextCursor` of the previous page. */
  cursor?: string | undefined;
}

export interface HistoryPage {
  entries: HistoryEntry[];
  /** Absent on the last page. */
  nextCursor?: string;
}

export interface HistoryStore {
  /** Writes entries; an entry already written (same iccid, at and id) is left as it is. */
  append(entries: readonly HistoryEntry[]): Promise<void>;
  /**
   * Writes entries no one can have written before (their id is new: a request's), without append's check:
   * 25 to a request in DynamoDB rather than one each.
   */
  appendNew(entries: readonly HistoryEntry[]): Promise<void>;
  /** One SIM's entries, newest first. */
  list(iccid: string, query: HistoryQuery): Promise<HistoryPage>;
}
