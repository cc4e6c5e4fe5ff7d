import type { OutputStream } from './io.js';

export function writeLine(stream: OutputStream, line = ''): void {
  stream.write(`${line}\n`);
}

export function writeJson(stream: OutputStream, value: unknown): void {
  stream.write(`${JSON.stringify(value, null, 2)}\n`);
}

type Align = 'left' | 'right';

/** A plain-text table: a header row, then one row per item; `-` for empty cells. */
export function table(
  header: readonly string[],
  rows: readonly (readonly (string | undefined)[])[],
  align: readonly Align[] = [],
): string {
  const cells = [
    header,
    ...rows.map((row) => row.map((cell) => (cell === undefined || cell === '' ? '-' : cell))),
  ];
  const widths = header.map((_, column) => Math.max(...cells.map((row) => (row[column] ?? '').length)));
  return cells
    .map((row) =>
      row
        .map((cell, column) => {
          const width = widths[column] ?? 0;
          return align[column] === 'right' ? (cell ?? '').padStart(width) : (cell ?? '').padEnd(width);
        })
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** Label/value lines, labels aligned; entries without a value are left out. */
export function fields(entries: readonly (readonly [string, string | number | undefined | null])[]): string {
  const present = entries.filter(
    (entry): entry is readonly [string, string | number] =>
      entry[1] !== undefined && entry[1] !== null && entry[1] !== '',
  );
  const width = Math.max(...present.map(([label]) => label.length));
  return present.map(([label, value]) => `${label.padEnd(width)}  ${value}`).join('\n');
}

/** `1 SIM`, `2 SIMs`. */
export function count(n: number, singular: string, plural = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : plural}`;
}

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

/** Bytes for people (1 KiB = 1024 B, as Transatel counts); -1 is unlimited. */
export function formatBytes(bytes: number, unlimited = false): string {
  if (unlimited || bytes < 0) return 'unlimited';
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(value >= 100 ? 0 : 1)} ${UNITS[unit]}`;
}

export function formatPrice(amountMinor: number, currency: string): string {
  return `${(amountMinor / 100).toFixed(2)} ${currency}`;
}

/** `2025-01-02T03:04:05.678Z` -> `2025-01-02 03:04:05Z`. */
export function formatTime(iso: string | undefined): string | undefined {
  if (!iso) return undefined;
  const match = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(?:\.\d+)?(Z|[+-]\d{2}:\d{2})$/.exec(iso);
  return match ? `${match[1]} ${match[2]}${match[3]}` : iso;
}

export interface ProgressCounts {
  total: number;
  ordered: number;
  received: number;
  activating: number;
  completed: number;
  failed: number;
}

export function describeCounts(counts: ProgressCounts): string {
  return `ordered ${counts.ordered}/${counts.total}  received ${counts.received}  activating ${counts.activating}  completed ${counts.completed}  failed ${counts.failed}`;
}

/**
 * Progress of a bulk run on stderr: a bar redrawn in place on a terminal; otherwise a plain line
 * whenever the counts change (logs and CI stay readable).
 */
export class ProgressBar {
  readonly #stream: OutputStream;
  readonly #tty: boolean;
  #last = '';
  #drawn = false;

  constructor(stream: OutputStream) {
    this.#stream = stream;
    this.#tty = stream.isTTY === true;
  }

  update(counts: ProgressCounts): void {
    const text = describeCounts(counts);
    if (text === this.#last) return;
    this.#last = text;
    if (!this.#tty) {
      writeLine(this.#stream, `progress: ${text}`);
      return;
    }
    const done = counts.completed + counts.failed;
    const ratio = counts.total === 0 ? 1 : done / counts.total;
    const width = 24;
    const filled = Math.round(ratio * width);
    const bar = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(Math.floor(ratio * 100)).padStart(3)}%`;
    this.#stream.write(`\r\x1b[2K${bar}  ${text}`);
    this.#drawn = true;
  }

  /** Ends the bar's line so that what follows starts on a fresh one. */
  end(): void {
    if (this.#drawn) this.#stream.write('\n');
    this.#drawn = false;
  }

  /** A message between updates, on its own line; the next update redraws the bar. */
  note(line: string): void {
    if (this.#drawn) this.#stream.write('\r\x1b[2K');
    writeLine(this.#stream, line);
    this.#drawn = false;
    this.#last = '';
  }
}
