import { describeOptions, flag, globalOptions, parseCommandArgs, stringOption } from './args.js';
import type { Command } from './command.js';
import { activateCommand } from './commands/activate.js';
import { balanceCommand } from './commands/balance.js';
import { esimCommand } from './commands/esim.js';
import { eventsCommand } from './commands/events.js';
import { jobCommand } from './commands/jobs.js';
import { reactivateCommand, suspendCommand, terminateCommand } from './commands/lifecycle.js';
import { orderCommand } from './commands/order.js';
import { plansCommand } from './commands/plans.js';
import { policiesCommand } from './commands/policies.js';
import { reportCommand } from './commands/report.js';
import { simsCommand } from './commands/sims.js';
import { ApiClient, ApiError } from './http.js';
import { CliError, type CliIo, EXIT_ERROR, EXIT_OK, EXIT_USAGE, UsageError } from './io.js';
import { writeLine } from './output.js';
import { createSigV4Signer, executeApiRegion, type RequestSigner } from './sigv4.js';

export type { CliIo } from './io.js';

export const DEFAULT_URL = 'http://127.0.0.1:3000';

const commands: readonly Command[] = [
  activateCommand,
  orderCommand,
  balanceCommand,
  eventsCommand,
  plansCommand,
  policiesCommand,
  jobCommand,
  reportCommand,
  esimCommand,
  simsCommand,
  suspendCommand,
  reactivateCommand,
  terminateCommand,
];

function mainHelp(): string {
  const width = Math.max(...commands.map((command) => command.name.length));
  return [
    'simctl: operate the IoT Connect Capped Plans API',
    '',
    'Usage: simctl <command> [options]',
    '',
    'Commands:',
    ...commands.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`),
    '',
    'Options of every command:',
    describeOptions(globalOptions),
    '',
    'Read commands print a table; --json prints the API answer. Errors: one line on stderr, exit code 1',
    '(2 for a usage error, 130 when interrupted). `simctl <command> --help` for a command.',
  ].join('\n');
}

function commandHelp(command: Command): string {
  return [
    `simctl ${command.name}: ${command.summary}`,
    '',
    ...command.usage.map((usage, index) => `${index === 0 ? 'Usage: ' : '       '}simctl ${usage}`),
    ...(Object.keys(command.options).length > 0 ? ['', 'Options:', describeOptions(command.options)] : []),
    '',
    'Common options:',
    describeOptions(globalOptions),
  ].join('\n');
}

/** Index of the command name: the first argument that is neither an option nor an option's value. */
function commandIndex(argv: readonly string[]): number {
  for (let index = 0; index < argv.length; index += 1) {
    const arg = argv[index] as string;
    if (arg === '--url' || arg === '--region') index += 1;
    else if (!arg.startsWith('-')) return index;
  }
  return -1;
}

function truthy(value: string | undefined): boolean {
  return value !== undefined && ['1', 'true', 'yes', 'on'].includes(value.trim().toLowerCase());
}

async function apiClient(
  values: Record<string, string | boolean | undefined>,
  io: CliIo,
): Promise<ApiClient> {
  const baseUrl = stringOption(values, 'url') ?? io.env.SIMCTL_URL ?? DEFAULT_URL;
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new UsageError(`--url must be an http(s) URL, got '${baseUrl}'`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`--url must be an http(s) URL, got '${baseUrl}'`);
  }
  const hostRegion = executeApiRegion(url.hostname);
  let sign: RequestSigner | undefined;
  if (flag(values, 'sigv4') || truthy(io.env.SIMCTL_SIGV4) || hostRegion !== undefined) {
    const region =
      stringOption(values, 'region') ?? hostRegion ?? io.env.AWS_REGION ?? io.env.AWS_DEFAULT_REGION;
    if (!region) throw new UsageError('SigV4 needs a region: --region, or AWS_REGION');
    sign = await createSigV4Signer({ region, ...(io.credentials ? { credentials: io.credentials } : {}) });
  }
  return new ApiClient({
    baseUrl,
    ...(io.fetch ? { fetch: io.fetch } : {}),
    ...(sign ? { sign } : {}),
    ...(io.signal ? { signal: io.signal } : {}),
  });
}

/** Runs simctl with `argv` (without `node simctl`); returns the exit code. Never throws. */
export async function run(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    const index = commandIndex(argv);
    const name = index === -1 ? undefined : argv[index];
    const rest = index === -1 ? [...argv] : [...argv.slice(0, index), ...argv.slice(index + 1)];
    if (name === undefined || name === 'help') {
      const topic = name === 'help' ? commands.find((command) => command.name === rest[0]) : undefined;
      writeLine(io.stdout, topic ? commandHelp(topic) : mainHelp());
      return name === undefined && !rest.some((arg) => arg === '--help' || arg === '-h')
        ? EXIT_USAGE
        : EXIT_OK;
    }
    const command = commands.find((candidate) => candidate.name === name);
    if (!command) throw new UsageError(`unknown command '${name}' (simctl --help lists them)`);
    const { values, positionals } = parseCommandArgs(rest, command.options);
    if (flag(values, 'help')) {
      writeLine(io.stdout, commandHelp(command));
      return EXIT_OK;
    }
    const api = await apiClient(values, io);
    return await command.run({ io, api, json: flag(values, 'json'), values, positionals });
  } catch (error) {
    return report(error, io);
  }
}

function report(error: unknown, io: CliIo): number {
  if (error instanceof ApiError) {
    writeLine(io.stderr, `simctl: ${error.describe()}`);
    return EXIT_ERROR;
  }
  if (error instanceof CliError) {
    writeLine(io.stderr, `simctl: ${error.message}`);
    if (error instanceof UsageError) writeLine(io.stderr, 'Run simctl --help for usage.');
    return error.exitCode;
  }
  const detail = error instanceof Error ? error.message : String(error);
  writeLine(io.stderr, `simctl: unexpected error: ${detail}`);
  if (truthy(io.env.SIMCTL_DEBUG) && error instanceof Error && error.stack) writeLine(io.stderr, error.stack);
  return EXIT_ERROR;
}

/** The process entry point (bin.mjs): Ctrl-C aborts the run (a second one exits at once). */
export async function main(): Promise<void> {
  const controller = new AbortController();
  process.on('SIGINT', () => {
    if (controller.signal.aborted) process.exit(130);
    controller.abort();
  });
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
  process.exitCode = await run(process.argv.slice(2), {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    signal: controller.signal,
  });
}
