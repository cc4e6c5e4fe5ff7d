import { parseArgs } from 'node:util';
import { startupBanner } from './banner.js';
import { LocalConfigError } from './env.js';
import { consoleLog } from './log.js';
import {
  isSimulatorVariant,
  SIMULATOR_VARIANTS,
  type SimulatorVariant,
  variantDescriptions,
} from './simulator/index.js';
import { type LocalStack, startLocalStack } from './stack.js';

const USAGE = `Usage: npm start -- [options]

  --port N                  API gateway port on 127.0.0.1 (env PORT, default 3000; 0 picks a free one)
  --data-dir DIR            keep DynamoDB data in DIR/dynamodb across restarts (queues and simulator stay in memory)
  --activation-delay-ms N   simulator: how long a SIM activation takes (default 2000)
  --transatel-variant NAME  simulator: answer the other plausible way where Transatel's docs are silent,
                            one of ${SIMULATOR_VARIANTS.join(', ')} (default documented; below)
  --schedule-seconds N      run the scheduled functions (catalog-sync, the policy sweep) every N seconds
                            instead of every few minutes, to see threshold and expiry policies act sooner
  --quiet                   no request lines (warnings still print)
  -h, --help                this help

Environment: TRANSATEL_WEBHOOK_SECRET (default local-webhook-secret), LOG_LEVEL (functions' logs, default WARN),
TRANSATEL_BASE_URL with TRANSATEL_CLIENT_ID, TRANSATEL_CLIENT_SECRET and TRANSATEL_MVNO_REF to use the real API
instead of the simulator.

Simulator variants (--transatel-variant):
${SIMULATOR_VARIANTS.map(
  (name) => `  ${name}\n${variantDescriptions[name].map((line) => `    - ${line}`).join('\n')}`,
).join('\n')}`;

interface Cli {
  port: number;
  dataDir?: string;
  activationDelayMs?: number;
  variant?: SimulatorVariant;
  schedulePeriodSeconds?: number;
  quiet: boolean;
}

function nonNegativeInteger(flag: string, raw: string): number {
  if (!/^[0-9]+$/.test(raw)) throw new Error(`${flag} must be a whole number, got '${raw}'`);
  return Number(raw);
}

function positiveInteger(flag: string, raw: string): number {
  const value = nonNegativeInteger(flag, raw);
  if (value === 0) throw new Error(`${flag} must be at least 1, got '${raw}'`);
  return value;
}

function parseCli(argv: string[], env: NodeJS.ProcessEnv): Cli | undefined {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      'data-dir': { type: 'string' },
      'activation-delay-ms': { type: 'string' },
      'transatel-variant': { type: 'string' },
      'schedule-seconds': { type: 'string' },
      quiet: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return undefined;
  const rawPort = values.port ?? env.PORT ?? '3000';
  const port = nonNegativeInteger('--port', rawPort);
  if (port > 65535) throw new Error(`--port must be at most 65535, got ${port}`);
  const variant = values['transatel-variant'];
  if (variant !== undefined && !isSimulatorVariant(variant)) {
    throw new Error(`--transatel-variant must be one of ${SIMULATOR_VARIANTS.join(', ')}; got '${variant}'`);
  }
  return {
    port,
    quiet: values.quiet,
    ...(values['data-dir'] ? { dataDir: values['data-dir'] } : {}),
    ...(values['activation-delay-ms'] === undefined
      ? {}
      : { activationDelayMs: nonNegativeInteger('--activation-delay-ms', values['activation-delay-ms']) }),
    ...(variant === undefined ? {} : { variant }),
    ...(values['schedule-seconds'] === undefined
      ? {}
      : { schedulePeriodSeconds: positiveInteger('--schedule-seconds', values['schedule-seconds']) }),
  };
}

function describeStartFailure(error: unknown, cli: Cli): string {
  if (error instanceof LocalConfigError) return error.message;
  if (error instanceof Error && 'code' in error && error.code === 'EADDRINUSE') {
    return `Port ${cli.port} is in use: pass --port N (or PORT=N), or stop what listens there.`;
  }
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

async function main(): Promise<number | undefined> {
  // The SDK's Node 20 end-of-support notice would greet every start; the functions get the same setting.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  let cli: Cli | undefined;
  try {
    cli = parseCli(process.argv.slice(2), process.env);
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    return 2;
  }
  if (!cli) {
    console.log(USAGE);
    return 0;
  }

  const log = consoleLog({ quiet: cli.quiet });
  let stack: LocalStack;
  try {
    stack = await startLocalStack({
      port: cli.port,
      separateEmulators: true,
      separateConsumers: ['events-worker'],
      ...(cli.dataDir ? { dataDir: cli.dataDir } : {}),
      ...(cli.schedulePeriodSeconds === undefined
        ? {}
        : { schedulePeriodSeconds: cli.schedulePeriodSeconds }),
      simulator: {
        ...(cli.activationDelayMs === undefined ? {} : { activationDelayMs: cli.activationDelayMs }),
        ...(cli.variant === undefined ? {} : { variant: cli.variant }),
        ...(cli.quiet ? {} : { log: (line: string) => log.info(`[transatel] ${line}`) }),
      },
      log,
    });
  } catch (error) {
    console.error(`Could not start the local runtime: ${describeStartFailure(error, cli)}`);
    return 1;
  }

  const activationDelayMs = stack.simulator?.core.config.activationDelayMs;
  const variant = stack.simulator?.core.variant.name;
  console.log(
    startupBanner(stack, {
      ...(cli.dataDir ? { dataDir: cli.dataDir } : {}),
      ...(activationDelayMs === undefined ? {} : { activationDelayMs }),
      ...(variant === undefined ? {} : { variant }),
    }),
  );

  let stoppingSince: number | undefined;
  const stop = (signal: NodeJS.Signals) => {
    if (stoppingSince !== undefined) {
      // A signal sent to the process group reaches us twice within a few ms (npm and tsx relay it too):
      // only a second one from the user means "now".
      if (Date.now() - stoppingSince < 1000) return;
      console.error(`${signal} again: exiting without waiting.`);
      process.exit(1);
    }
    stoppingSince = Date.now();
    console.log(`\n${signal}: stopping (work in flight may finish)...`);
    stack.stop().then(
      () => {
        console.log('Stopped.');
        process.exit(0);
      },
      (error: unknown) => {
        console.error(`Stopped with errors: ${error instanceof Error ? error.message : String(error)}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  return undefined;
}

const code = await main();
if (code !== undefined) process.exitCode = code;
