import { vi } from 'vitest';

export interface CaptureLogs {
  /** Every JSON line printed so far. */
  lines: () => Record<string, unknown>[];
  raw: () => string;
  clear: () => void;
  restore: () => void;
}

/** Captures what Powertools loggers print (they write to process.stdout / stderr). */
export function captureLogs(): CaptureLogs {
  const chunks: string[] = [];
  const capture = (chunk: string | Uint8Array): boolean => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  };
  const stdout = vi.spyOn(process.stdout, 'write').mockImplementation(capture);
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(capture);
  const raw = () => chunks.join('');
  return {
    raw,
    lines: () =>
      raw()
        .split('\n')
        .filter((line) => line.trim().startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>),
    clear: () => {
      chunks.length = 0;
    },
    restore: () => {
      stdout.mockRestore();
      stderr.mockRestore();
    },
  };
}
