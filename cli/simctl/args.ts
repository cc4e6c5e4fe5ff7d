import { parseArgs } from 'node:util';
import { UsageError } from './io.js';

export type OptionSpec = { type: 'boolean' | 'string'; short?: string; description: string; value?: string };
export type OptionSpecs = Record<string, OptionSpec>;

/** Options every command takes. */
export const globalOptions: OptionSpecs = {
  url: {
    type: 'string',
    value: 'URL',
    description: 'API base URL (default: SIMCTL_URL, else http://127.0.0.1:3000)',
  },
  sigv4: {
    type: 'boolean',
    description: 'Sign requests with AWS SigV4 (automatic for execute-api hosts; SIMCTL_SIGV4=1)',
  },
  region: {
    type: 'string',
    value: 'REGION',
    description: 'AWS region for SigV4 (default: from the host, else AWS_REGION)',
  },
  json: { type: 'boolean', description: 'Machine-readable JSON on stdout' },
  help: { type: 'boolean', short: 'h', description: 'Show help' },
};

export interface ParsedArgs {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

export function parseCommandArgs(argv: readonly string[], options: OptionSpecs): ParsedArgs {
  const config = Object.fromEntries(
    Object.entries({ ...globalOptions, ...options }).map(([name, spec]) => [
      name,
      spec.short ? { type: spec.type, short: spec.short } : { type: spec.type },
    ]),
  );
  try {
    const { values, positionals } = parseArgs({
      args: [...argv],
      options: config,
      allowPositionals: true,
      strict: true,
    });
    return { values: values as ParsedArgs['values'], positionals };
  } catch (error) {
    throw new UsageError(
      error instanceof Error ? error.message.replace(/\. To specify.*$/s, '') : String(error),
    );
  }
}

export function stringOption(values: ParsedArgs['values'], name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}

export function flag(values: ParsedArgs['values'], name: string): boolean {
  return values[name] === true;
}

export function numberOption(
  values: ParsedArgs['values'],
  name: string,
  { min, max, integer = true }: { min: number; max: number; integer?: boolean },
): number | undefined {
  const raw = stringOption(values, name);
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (
    raw.trim() === '' ||
    !Number.isFinite(value) ||
    (integer && !Number.isInteger(value)) ||
    value < min ||
    value > max
  ) {
    throw new UsageError(
      `--${name} must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max}, got '${raw}'`,
    );
  }
  return value;
}

/** Exactly the positionals a command names, e.g. `<iccid>`. */
export function expectPositionals(positionals: readonly string[], names: readonly string[]): string[] {
  if (positionals.length < names.length) throw new UsageError(`missing ${names[positionals.length]}`);
  if (positionals.length > names.length)
    throw new UsageError(`unexpected argument '${positionals[names.length]}'`);
  return [...positionals];
}

export function describeOptions(options: OptionSpecs): string {
  const rows = Object.entries(options).map(([name, spec]) => {
    const left = `${spec.short ? `-${spec.short}, ` : '    '}--${name}${spec.value ? ` ${spec.value}` : ''}`;
    return [left, spec.description] as const;
  });
  const width = Math.max(...rows.map(([left]) => left.length));
  return rows.map(([left, description]) => `  ${left.padEnd(width)}  ${description}`).join('\n');
}
