/** The runtime's own lines (not the functions' JSON logs): requests and batches, and what went wrong. */
export interface RuntimeLog {
  info(line: string): void;
  warn(line: string): void;
}

export const silentLog: RuntimeLog = { info: () => {}, warn: () => {} };

function stamp(): string {
  return new Date().toISOString().slice(11, 23);
}

/** `HH:MM:SS.mmm line` on stdout; warnings on stderr. Quiet drops the info lines only. */
export function consoleLog(options: { quiet?: boolean } = {}): RuntimeLog {
  return {
    info: options.quiet ? () => {} : (line) => console.log(`${stamp()} ${line}`),
    warn: (line) => console.error(`${stamp()} ${line}`),
  };
}
