import { Readable } from 'node:stream';
import { type CliIo, run } from '#cli/simctl/main.js';
import type { CountersSnapshot } from '#local/simulator/index.js';
import { type LocalStack, startLocalStack } from '#local/stack.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliRunOptions {
  url?: string;
  stdin?: string;
  signal?: AbortSignal;
  fetch?: typeof fetch;
  credentials?: CliIo['credentials'];
  env?: Record<string, string>;
  /** Called with everything written to stderr, as it is written. */
  onStderr?: (chunk: string) => void;
}

/** Runs simctl in-process, as `npx simctl ...argv` would, capturing its output. */
export async function simctl(argv: string[], options: CliRunOptions = {}): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: { write: (chunk: string) => (stdout += chunk) },
    stderr: {
      write: (chunk: string) => {
        stderr += chunk;
        options.onStderr?.(chunk);
      },
    },
    stdin: Readable.from(options.stdin === undefined ? [] : [options.stdin]),
    env: { ...(options.url ? { SIMCTL_URL: options.url } : {}), ...options.env },
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
  };
  const code = await run(argv, io);
  return { code, stdout, stderr };
}

/** The whole local system with fast simulated activations and enough Available SIMs for the bulk test. */
export function startTestStack(): Promise<LocalStack> {
  return startLocalStack({
    port: 0,
    simulator: { activationDelayMs: 50, lifecycleDelayMs: 50, simCounts: { available: 1200 } },
    pollWaitTimeSeconds: 1,
    env: { POLL_FIRST_DELAY_SECONDS: '1' },
  });
}

export function simulatorCounters(stack: LocalStack): CountersSnapshot {
  if (!stack.simulator) throw new Error('the test stack runs the simulator');
  return stack.simulator.counters();
}
