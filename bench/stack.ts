import type { AwsFaultOptions } from '../local/aws-faults.js';
import type { CountersSnapshot, FaultConfig, SimulatorOptions } from '../local/simulator/index.js';
import { type LocalStack, startLocalStack } from '../local/stack.js';
import type { FunctionName } from '../shared/topology.js';
import { type ForkedChild, forkTs } from './child.js';
import { outRoot } from './paths.js';

export interface BenchStackOptions {
  simulator: Omit<SimulatorOptions, 'port' | 'webhooks' | 'log'>;
  /**
   * Run the simulator in a process of its own (default) so that Transatel's work does not compete with the
   * system under test for the same core, as a remote API would not; or inside the stack's process.
   */
  separateSimulator?: boolean;
  /** fauxqs and dynalite in a child process (default), as `npm start` runs them; or in the stack's process. */
  separateEmulators?: boolean;
  /** Consumers polled in a worker process of their own (default events-worker, as `npm start` runs it). */
  separateConsumers?: readonly FunctionName[];
  /** TRANSATEL_MAX_RPS for the stack's functions (one process: one budget for all of them). */
  maxRps?: number;
  /** The functions' LOG_LEVEL (their logs go to this process's stdout). */
  logLevel?: string;
  visibilityTimeoutOverrideSeconds?: number;
  /** Webhook retry schedule of the simulator (default: Transatel's every 10 minutes). */
  webhookRetryScheduleMs?: number[];
  /** Extra variables for the functions (POLL_FIRST_DELAY_SECONDS...). */
  env?: Record<string, string>;
  /** Where the forked simulator writes its output. */
  simulatorLogFile?: string;
  /** Have the emulators count what they answer (LocalStack.usage(): the cost figures). */
  countUsage?: boolean;
  /**
   * The pollers' long-poll wait. Default 5 s: Lambda's event sources wait 20 s, `npm start` 1 s so that it stops
   * at once; each idle poller's empty receives cost the machine being measured CPU that AWS does not bill.
   */
  pollWaitTimeSeconds?: number;
  /** The AWS fault proxy in front of the emulators (its rates set later through `stack.awsFaults`). */
  awsFaults?: AwsFaultOptions;
}

export interface BenchStack {
  stack: LocalStack;
  simulatorUrl: string;
  counters(): Promise<CountersSnapshot>;
  setFaults(config: FaultConfig): Promise<void>;
  simAdmin<T>(method: string, path: string, body?: unknown): Promise<T>;
  stop(): Promise<void>;
}

const CLIENT = { id: 'local-client', secret: 'local-secret', mvnoRef: 'M2MA_WW_TSL_LOCAL' };

/**
 * The whole local system (startLocalStack: gateway, fauxqs, dynalite, pollers) with the Transatel simulator
 * either in its own process (reached as a "real" Transatel through TRANSATEL_BASE_URL, webhooks registered
 * through /_sim/webhooks) or inside the stack. Either way counters and faults go through /_sim.
 */
export async function startBenchStack(options: BenchStackOptions): Promise<BenchStack> {
  if (options.maxRps !== undefined) process.env.TRANSATEL_MAX_RPS = String(options.maxRps);
  else delete process.env.TRANSATEL_MAX_RPS;
  for (const [name, value] of Object.entries(options.env ?? {})) process.env[name] = value;
  const env = {
    ...process.env,
    LOG_LEVEL: options.logLevel ?? 'WARN',
    TRANSATEL_BASE_URL: undefined,
    ...options.env,
  };
  const common = {
    env,
    separateEmulators: options.separateEmulators ?? true,
    separateConsumers: options.separateConsumers ?? ['events-worker'],
    ...(options.countUsage ? { countUsage: true } : {}),
    ...(options.awsFaults ? { awsFaults: options.awsFaults } : {}),
    pollWaitTimeSeconds: options.pollWaitTimeSeconds ?? 5,
    // Runtime warnings (an invocation timed out, a receive failed) go to the bench's log; batch lines do not.
    log: { info: () => undefined, warn: (line: string) => console.warn(line) },
    ...(options.visibilityTimeoutOverrideSeconds === undefined
      ? {}
      : { visibilityTimeoutOverrideSeconds: options.visibilityTimeoutOverrideSeconds }),
  };
  const webhookSchedule = options.webhookRetryScheduleMs
    ? { retryScheduleMs: options.webhookRetryScheduleMs }
    : {};

  let simulator: ForkedChild | undefined;
  let stack: LocalStack;
  let simulatorUrl: string;
  if (options.separateSimulator ?? true) {
    simulator = forkTs(
      'bench/sim-server.ts',
      [
        JSON.stringify({
          ...options.simulator,
          clientId: CLIENT.id,
          clientSecret: CLIENT.secret,
          mvnoRef: CLIENT.mvnoRef,
          webhooks: webhookSchedule,
        }),
      ],
      { logFile: options.simulatorLogFile ?? `${outRoot}/logs/simulator.log` },
    );
    try {
      // The simulator's process and the emulators' start side by side.
      stack = await startLocalStack({
        ...common,
        transatelBaseUrl: simulator.next('ready').then((ready) => ready.url),
        env: {
          ...env,
          TRANSATEL_CLIENT_ID: CLIENT.id,
          TRANSATEL_CLIENT_SECRET: CLIENT.secret,
          TRANSATEL_MVNO_REF: CLIENT.mvnoRef,
        },
      });
      simulatorUrl = stack.transatel.baseUrl;
    } catch (error) {
      await simulator.stop();
      throw error;
    }
  } else {
    stack = await startLocalStack({
      ...common,
      simulator: { ...options.simulator, webhooks: webhookSchedule },
    });
    simulatorUrl = stack.simulator?.url ?? '';
  }

  async function simAdmin<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${simulatorUrl}/_sim${path}`, {
      method,
      ...(body === undefined
        ? {}
        : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    });
    if (!response.ok) throw new Error(`/_sim${path} answered ${response.status}: ${await response.text()}`);
    return (await response.json()) as T;
  }

  if (simulator)
    await simAdmin('POST', '/webhooks', { url: stack.webhook.url, secret: stack.webhook.secret });
  return {
    stack,
    simulatorUrl,
    counters: () => simAdmin<CountersSnapshot>('GET', '/counters'),
    setFaults: async (config) => {
      await simAdmin('PUT', '/faults', config);
    },
    simAdmin,
    async stop() {
      try {
        await stack.stop();
      } finally {
        await simulator?.stop();
      }
    },
  };
}
