import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as z from 'zod';
import type { QueueName } from '../shared/topology.js';
import type { LocalEndpoints } from './aws.js';
import type { RuntimeLog } from './log.js';
import type { PolledQueue, Pollers, QueueCounters } from './poller.js';

const queueNames = ['activation', 'subscription', 'events'] as const satisfies readonly QueueName[];

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

/** Child -> parent. */
export type WorkerHostMessage =
  | { kind: 'ready' }
  | { kind: 'log'; level: 'info' | 'warn'; line: string }
  | { kind: 'counters'; counters: Partial<Record<QueueName, QueueCounters>> }
  | { kind: 'error'; message: string };

const START_TIMEOUT_MS = 60_000;

export interface WorkerHostOptions {
  queues: readonly PolledQueue[];
  env: Record<string, string | undefined>;
  endpoints: LocalEndpoints;
  waitTimeSeconds?: number;
  log?: RuntimeLog;
}

/**
 * The queue pollers of some consumers in a child process of their own (local/worker-host-main.ts through
 * tsx), as Lambda runs each function in its own environment. The child loads the handlers itself, with
 * the functions' environment; its runtime lines come back to `log`; its counters arrive every second.
 */
export async function startWorkerHost(options: WorkerHostOptions): Promise<Pollers> {
  const env = Object.fromEntries(
    Object.entries(options.env).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
  const config: WorkerHostConfig = workerHostConfigSchema.parse({
    env,
    endpoints: options.endpoints,
    queues: options.queues,
    waitTimeSeconds: options.waitTimeSeconds,
  });
  const child = fork(fileURLToPath(new URL('./worker-host-main.ts', import.meta.url)), [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let counters: Partial<Record<QueueName, QueueCounters>> = {};
  let stopping: Promise<void> | undefined;
  child.on('message', (raw) => {
    const message = raw as WorkerHostMessage;
    if (message.kind === 'log') options.log?.[message.level](message.line);
    else if (message.kind === 'counters') counters = message.counters;
  });
  child.once('exit', (code, signal) => {
    if (!stopping) {
      (options.log ?? console).warn(
        `The worker process of the ${config.queues.map((queue) => queue.name).join(', ')} queue(s) exited unexpectedly (code ${code}, signal ${signal}).`,
      );
    }
  });

  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`the worker process did not start within ${START_TIMEOUT_MS / 1000} s`)),
        START_TIMEOUT_MS,
      );
      const onMessage = (raw: unknown) => {
        const message = raw as WorkerHostMessage;
        if (message.kind !== 'ready' && message.kind !== 'error') return;
        clearTimeout(timer);
        child.off('message', onMessage);
        if (message.kind === 'ready') resolve();
        else reject(new Error(`the worker process did not start: ${message.message}`));
      };
      child.on('message', onMessage);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`the worker process exited before it was ready (code ${code})`));
      });
      child.send(config);
    });
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }

  return {
    counters: () => structuredClone(counters),
    stop(graceMs = 10_000) {
      stopping ??= (async () => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        const killer = setTimeout(() => child.kill('SIGKILL'), graceMs + 10_000);
        child.send({ kind: 'stop', graceMs } satisfies WorkerHostCommand);
        await exited;
        clearTimeout(killer);
      })();
      return stopping;
    },
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
