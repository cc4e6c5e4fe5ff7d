import { parseArgs } from 'node:util';
import { DEFAULTS } from './config.js';
import {
  isSimulatorVariant,
  SIMULATOR_VARIANTS,
  type SimulatorOptions,
  type SimulatorVariant,
  startSimulator,
  variantDescriptions,
} from './index.js';

/** The variants and what each changes, indented for a usage text. */
function variantsHelp(): string {
  return SIMULATOR_VARIANTS.map(
    (name) => `    ${name}\n${variantDescriptions[name].map((line) => `      - ${line}`).join('\n')}`,
  ).join('\n');
}

const USAGE = `Usage: npm run simulator -- [options]

  --port N                   listen port on 127.0.0.1 (env SIM_PORT, default ${DEFAULTS.port})
  --seed N                   PRNG seed (env SIM_SEED, default ${DEFAULTS.seed})
  --activation-delay-ms N    activation completion delay (env SIM_ACTIVATION_DELAY_MS, default ${DEFAULTS.activationDelayMs})
  --lifecycle-delay-ms N     modify/suspend/reactivate/terminate delay (env SIM_LIFECYCLE_DELAY_MS, default ${DEFAULTS.lifecycleDelayMs})
  --token-ttl-seconds N      access token lifetime (env SIM_TOKEN_TTL_SECONDS, default ${DEFAULTS.tokenTtlSeconds})
  --webhook-url URL          deliver events to URL (env SIM_WEBHOOK_URL)
  --webhook-secret S         HMAC secret for that URL (env SIM_WEBHOOK_SECRET; required with --webhook-url)
  --client-id ID             OAuth client id (env SIM_CLIENT_ID, default ${DEFAULTS.clientId})
  --client-secret S          OAuth client secret (env SIM_CLIENT_SECRET)
  --variant NAME             answer the other plausible way where Transatel's docs are silent
                             (env SIM_VARIANT, default documented): ${SIMULATOR_VARIANTS.join(', ')}
  --quiet                    do not log requests
  -h, --help                 show this help

Variants:
${variantsHelp()}`;

function int(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n)) throw new Error(`--${name} must be an integer, got '${raw}'`);
  return n;
}

function variantName(raw: string): SimulatorVariant {
  if (!isSimulatorVariant(raw)) {
    throw new Error(`--variant must be one of ${SIMULATOR_VARIANTS.join(', ')}; got '${raw}'`);
  }
  return raw;
}

function optionsFromCli(argv: string[], env: NodeJS.ProcessEnv): SimulatorOptions | undefined {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      seed: { type: 'string' },
      'activation-delay-ms': { type: 'string' },
      'lifecycle-delay-ms': { type: 'string' },
      'token-ttl-seconds': { type: 'string' },
      'webhook-url': { type: 'string' },
      'webhook-secret': { type: 'string' },
      'client-id': { type: 'string' },
      'client-secret': { type: 'string' },
      variant: { type: 'string' },
      quiet: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return undefined;
  const webhookUrl = values['webhook-url'] ?? env.SIM_WEBHOOK_URL;
  const webhookSecret = values['webhook-secret'] ?? env.SIM_WEBHOOK_SECRET;
  if (webhookUrl && !webhookSecret)
    throw new Error('--webhook-url needs --webhook-secret (or SIM_WEBHOOK_SECRET)');
  const variant = values.variant ?? env.SIM_VARIANT;
  const opts: SimulatorOptions = {
    port: int('port', values.port ?? env.SIM_PORT) ?? DEFAULTS.port,
    seed: int('seed', values.seed ?? env.SIM_SEED),
    activationDelayMs: int(
      'activation-delay-ms',
      values['activation-delay-ms'] ?? env.SIM_ACTIVATION_DELAY_MS,
    ),
    lifecycleDelayMs: int('lifecycle-delay-ms', values['lifecycle-delay-ms'] ?? env.SIM_LIFECYCLE_DELAY_MS),
    tokenTtlSeconds: int('token-ttl-seconds', values['token-ttl-seconds'] ?? env.SIM_TOKEN_TTL_SECONDS),
    clientId: values['client-id'] ?? env.SIM_CLIENT_ID,
    clientSecret: values['client-secret'] ?? env.SIM_CLIENT_SECRET,
    variant: variant === undefined || variant === '' ? undefined : variantName(variant),
    webhooks:
      webhookUrl && webhookSecret ? { targets: [{ url: webhookUrl, secret: webhookSecret }] } : undefined,
    log: values.quiet ? undefined : (line: string) => console.log(`[sim] ${line}`),
  };
  // Unset flags must fall back to the simulator defaults, not override them with undefined.
  return Object.fromEntries(Object.entries(opts).filter(([, v]) => v !== undefined)) as SimulatorOptions;
}

async function main(): Promise<void> {
  let opts: SimulatorOptions | undefined;
  try {
    opts = optionsFromCli(process.argv.slice(2), process.env);
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  if (!opts) {
    console.log(USAGE);
    return;
  }
  const sim = await startSimulator(opts);
  const clientId = opts.clientId ?? DEFAULTS.clientId;
  const variant = sim.core.variant.name;
  console.log(
    `Transatel simulator listening on ${sim.url} (client ${clientId}${variant === 'documented' ? '' : `, variant ${variant}`})`,
  );
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`Received ${signal}, shutting down`);
    void sim.close().then(() => process.exit(0));
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

void main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
