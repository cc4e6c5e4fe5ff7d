import type { HistoryEntry } from './history.js';

/**
 * Where an entry sits in a SIM's history: newest first by `at`, ties broken by `id`. One order for the table's
 * sort key, the in-memory adapter, the merge with the order steps and the cursor, so that a page of any of them
 * resumes exactly after the entry it ended on.
 */
export interface HistoryPosition {
  /** Canonical: `Date#toISOString()`, millisecond precision, always 24 characters. */
  at: string;
  id: string;
}

export class InvalidHistoryCursorError extends Error {
  override readonly name = 'InvalidHistoryCursorError';

  constructor() {
    super('not a cursor this API gave');
  }
}

/**
 * The instant in the one spelling whose string order is time order (ISO-8601 strings of different precisions,
 * `...:05Z` and `...:05.5Z`, do not sort as their instants). Throws on a value that is not a date.
 */
export function canonicalInstant(value: string | Date): string {
  const date = typeof value === 'string' ? new Date(value) : value;
  if (Number.isNaN(date.getTime())) throw new RangeError(`not an instant: ${String(value)}`);
  return date.toISOString();
}

/** The history table's sort key: `<at>#<id>`; `at` has a fixed width, so the order is (at, id). */
export function historySortKey(position: HistoryPosition): string {
  return `${position.at}#${position.id}`;
}

export function positionOf(entry: Pick<HistoryEntry, 'at' | 'id'>): HistoryPosition {
  return { at: canonicalInstant(entry.at), id: entry.id };
}

/**
 * Strings compared as DynamoDB compares them: by UTF-8 bytes, which differs from JavaScript's UTF-16 order
 * beyond the Basic Multilingual Plane.
 */
export function compareBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** Newest first, ties by id (higher first, as a descending Query reads them): negative when `a` comes first. */
export function compareNewestFirst(a: HistoryPosition, b: HistoryPosition): number {
  return compareBytes(historySortKey(b), historySortKey(a));
}

/** True when `entry` comes strictly after `position` in the newest-first order (an older entry, or a tie with a lower id). */
export function isAfter(entry: HistoryPosition, position: HistoryPosition): boolean {
  return compareNewestFirst(position, entry) < 0;
}

/** The opaque cursor of a page that ended on `position`: base64url of `{"at","id"}`. */
export function encodeHistoryCursor(position: HistoryPosition): string {
  return Buffer.from(JSON.stringify({ at: position.at, id: position.id }), 'utf8').toString('base64url');
}

const canonicalPattern = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** The position a cursor names; throws `InvalidHistoryCursorError` for anything `encodeHistoryCursor` did not make. */
export function decodeHistoryCursor(cursor: string): HistoryPosition {
  if (!/^[A-Za-z0-9_-]{1,600}$/.test(cursor)) throw new InvalidHistoryCursorError();
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidHistoryCursorError();
  }
  if (typeof value !== 'object' || value === null) throw new InvalidHistoryCursorError();
  const { at, id } = value as Record<string, unknown>;
  if (typeof at !== 'string' || !canonicalPattern.test(at) || Number.isNaN(Date.parse(at))) {
    throw new InvalidHistoryCursorError();
  }
  if (typeof id !== 'string' || id.length === 0 || id.length > 200) throw new InvalidHistoryCursorError();
  if (canonicalInstant(at) !== at) throw new InvalidHistoryCursorError();
  return { at, id };
}

/** Keeps a summary on one line and within the entry's limit. */
export function oneLine(text: string, max = 1000): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}
