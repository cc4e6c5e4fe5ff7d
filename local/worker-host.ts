import * as z from 'zod';
import type { QueueName } from '../shared/topology.js';
import type { LocalEndpoints } from './aws.js';
import type { RuntimeLog } from './log.js';
import type { PolledQueue, Pollers, QueueCounters } from './poller.js';
import { startRuntimeChild } from './runtime-child.js';
import type { InvocationTallies } from './usage.js';

const queueNames = ['activation', 'plan', 'events'] as const satisfies readonly QueueName[];

export const workerHostConfigSchema = z.object({
  /** The functions' environment (functionEnv), applied before any handler loads. */
  env: z.record(z.string(), z.string()),
  endpoints: z.object({ sqs: z.string(), sns: z.string(), dynamodb: z.string() }),
  queues: z.array(z.object({ name: z.enum(queueNames), url: z.string(), arn: z.string() })).min(1),
  waitTimeSeconds: z.number().int().min(1).max(20).optional(),
});
export type WorkerHostConfig = z.infer<typeof workerHostConfigSchema>;

/** Parent -> child. */
export type WorkerHostCommand = { kind: 'stop'; graceMs: number };

/** Child -> parent, besides `ready` and `error` (local/runtime-child.ts). */
export type WorkerHostMessage =
  | { kind: 'log'; level: 'info' | 'warn'; line: string }
  | {
      kind: 'counters';
      counters: Partial<Record<QueueName, QueueCounters>>;
      /** The child's function invocations (local/usage.ts). */
      invocations: InvocationTallies;
    };

const START_TIMEOUT_MS = 60_000;

export interface WorkerHostOptions {
  queues: readonly PolledQueue[];
  env: Record<string, string | undefined>;
  endpoints: LocalEndpoints;
  waitTimeSeconds?: number;
  log?: RuntimeLog;
}

export interface WorkerHost extends Pollers {
  /** The invocations of the functions the child runs, as of its last report. */
  invocations(): InvocationTallies;
}

/**
 * The queue pollers of some consumers in a child process of their own (local/worker-host-main.ts), as Lambda
 * runs each function in its own environment. The child loads the handlers itself, with the functions'
 * environment (sent over IPC, not argv: it holds the local credentials); its runtime lines come back to
 * `log`; its counters arrive every second.
 */
export async function startWorkerHost(options: WorkerHostOptions): Promise<WorkerHost> {
  const env = Object.fromEntries(
    Object.entries(options.env).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
  const config: WorkerHostConfig = workerHostConfigSchema.parse({
    env,
    endpoints: options.endpoints,
    queues: options.queues,
    waitTimeSeconds: options.waitTimeSeconds,
  });
  let counters: Partial<Record<QueueName, QueueCounters>> = {};
  let invocations: InvocationTallies = {};
  const host = await startRuntimeChild<{ kind: 'ready' }>({
    entry: new URL('./worker-host-main.ts', import.meta.url),
    name: `The worker process of the ${config.queues.map((queue) => queue.name).join(', ')} queue(s)`,
    init: config,
    startTimeoutMs: START_TIMEOUT_MS,
    onMessage: (raw) => {
      const message = raw as WorkerHostMessage;
      if (message.kind === 'log') options.log?.[message.level](message.line);
      else if (message.kind === 'counters') ({ counters, invocations } = message);
    },
    warn: (line) => (options.log ?? console).warn(line),
  });
  return {
    counters: () => structuredClone(counters),
    invocations: () => structuredClone(invocations),
    stop: (graceMs = 10_000) =>
      host.stop({ graceMs } satisfies Omit<WorkerHostCommand, 'kind'>, graceMs + 10_000),
  };
}

/** Both poller sets as one: counters merged (each queue is polled by one of them), stopped together. */
export function combinePollers(parts: readonly Pollers[]): Pollers {
  return {
    counters: () => Object.assign({}, ...parts.map((part) => part.counters())),
    async stop(graceMs) {
      await Promise.all(parts.map((part) => part.stop(graceMs)));
    },
  };
}
