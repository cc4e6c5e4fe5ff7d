import { type HistoryEntry, type HistoryPage, type HistoryQuery, historyEntrySchema } from './history.js';
import {
  canonicalInstant,
  compareBytes,
  decodeHistoryCursor,
  encodeHistoryCursor,
  historySortKey,
  positionOf,
} from './history-keys.js';

/** What both HistoryStore adapters share: the stored form of an entry, and the reading of a query. */

/** How long entries are kept when the stage does not say (HISTORY_RETENTION_DAYS). */
export const DEFAULT_HISTORY_RETENTION_DAYS = 400;

export const MAX_HISTORY_PAGE = 1_000;
/** A Query's `IN` takes at most 100 operands. */
export const MAX_HISTORY_TYPES = 100;

const DAY_SECONDS = 86_400;

/** An entry as stored: canonical `at`, its sort key, and when DynamoDB may delete it (epoch seconds). */
export interface StoredHistoryEntry {
  sk: string;
  expiresAt: number;
  entry: HistoryEntry;
}

/**
 * Validates an entry and gives it its stored form. `details` goes through JSON, so both adapters keep the
 * same thing (DynamoDB stores neither `undefined` nor class instances).
 */
export function toStored(entry: HistoryEntry, retentionDays: number): StoredHistoryEntry {
  const parsed = historyEntrySchema.parse(entry);
  const at = canonicalInstant(parsed.at);
  const details =
    parsed.details === undefined
      ? undefined
      : (JSON.parse(JSON.stringify(parsed.details)) as Record<string, unknown>);
  const stored: HistoryEntry = { ...parsed, at, ...(details === undefined ? {} : { details }) };
  return {
    sk: historySortKey({ at, id: parsed.id }),
    expiresAt: Math.floor(Date.parse(at) / 1000) + retentionDays * DAY_SECONDS,
    entry: stored,
  };
}

/** The part of a SIM's history a query reads, as sort-key bounds. */
export interface HistoryRange {
  /** Inclusive: every sort key at or after `from`. */
  lowest?: string;
  /** Exclusive: `to`, or the cursor's entry when it comes before `to`. */
  below?: string;
  /** The bounds leave nothing to read. */
  empty: boolean;
  types?: ReadonlySet<string>;
  limit: number;
}

export function readRange(query: HistoryQuery): HistoryRange {
  if (!Number.isInteger(query.limit) || query.limit < 1 || query.limit > MAX_HISTORY_PAGE) {
    throw new RangeError(`limit must be an integer from 1 to ${MAX_HISTORY_PAGE}`);
  }
  if (query.types !== undefined && query.types.length > MAX_HISTORY_TYPES) {
    throw new RangeError(`at most ${MAX_HISTORY_TYPES} types`);
  }
  const lowest = query.from === undefined ? undefined : canonicalInstant(query.from);
  // No sort key equals a bare instant (keys are `<at>#<id>`): `< to` is `at < to`.
  let below = query.to === undefined ? undefined : canonicalInstant(query.to);
  if (query.cursor !== undefined) {
    const after = historySortKey(decodeHistoryCursor(query.cursor));
    if (below === undefined || compareBytes(after, below) < 0) below = after;
  }
  return {
    ...(lowest === undefined ? {} : { lowest }),
    ...(below === undefined ? {} : { below }),
    empty: lowest !== undefined && below !== undefined && compareBytes(below, lowest) <= 0,
    ...(query.types === undefined ? {} : { types: new Set(query.types) }),
    limit: query.limit,
  };
}

/** Whether a stored entry is in the range and alive at `nowSeconds` (DynamoDB deletes expired items late). */
export function inRange(stored: StoredHistoryEntry, range: HistoryRange, nowSeconds: number): boolean {
  if (stored.expiresAt <= nowSeconds) return false;
  if (range.lowest !== undefined && compareBytes(stored.sk, range.lowest) < 0) return false;
  if (range.below !== undefined && compareBytes(stored.sk, range.below) >= 0) return false;
  return range.types === undefined || range.types.has(stored.entry.type);
}

/** A page from up to `limit + 1` entries in order: the extra one only says that there is more. */
export function toPage(entries: HistoryEntry[], limit: number): HistoryPage {
  if (entries.length <= limit) return { entries };
  const page = entries.slice(0, limit);
  const last = page[page.length - 1] as HistoryEntry;
  return { entries: page, nextCursor: encodeHistoryCursor(positionOf(last)) };
}
