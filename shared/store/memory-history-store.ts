import type { HistoryEntry, HistoryPage, HistoryQuery, HistoryStore } from './history.js';
import { compareBytes } from './history-keys.js';
import {
  DEFAULT_HISTORY_RETENTION_DAYS,
  inRange,
  readRange,
  type StoredHistoryEntry,
  toPage,
  toStored,
} from './history-query.js';

export interface MemoryHistoryStoreOptions {
  /** Days an entry is kept (the DynamoDB adapter's TTL); 400 by default. */
  retentionDays?: number;
  clock?: () => Date;
}

/** In-memory `HistoryStore` with the DynamoDB adapter's semantics, for tests and the contract's reference. */
export class MemoryHistoryStore implements HistoryStore {
  /** By ICCID, then sort key. */
  readonly #entries = new Map<string, Map<string, StoredHistoryEntry>>();
  readonly #retentionDays: number;
  readonly #clock: () => Date;

  constructor(options: MemoryHistoryStoreOptions = {}) {
    this.#retentionDays = options.retentionDays ?? DEFAULT_HISTORY_RETENTION_DAYS;
    this.#clock = options.clock ?? (() => new Date());
  }

  async append(entries: readonly HistoryEntry[]): Promise<void> {
    const stored = entries.map((entry) => toStored(entry, this.#retentionDays));
    for (const item of stored) {
      let sim = this.#entries.get(item.entry.iccid);
      if (!sim) {
        sim = new Map();
        this.#entries.set(item.entry.iccid, sim);
      }
      if (!sim.has(item.sk)) sim.set(item.sk, structuredClone(item));
    }
  }

  appendNew(entries: readonly HistoryEntry[]): Promise<void> {
    return this.append(entries);
  }

  async list(iccid: string, query: HistoryQuery): Promise<HistoryPage> {
    const range = readRange(query);
    if (range.empty) return { entries: [] };
    const nowSeconds = Math.floor(this.#clock().getTime() / 1000);
    const matching = [...(this.#entries.get(iccid)?.values() ?? [])]
      .filter((stored) => inRange(stored, range, nowSeconds))
      .sort((a, b) => compareBytes(b.sk, a.sk))
      .slice(0, range.limit + 1)
      .map((stored) => structuredClone(stored.entry));
    return toPage(matching, range.limit);
  }
}
