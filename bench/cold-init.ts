import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { forEachAtOnce } from './at-once.js';
import type { Bundle } from './bundle.js';
import { outRoot } from './paths.js';
import { median, seededRandom, shuffled } from './stats.js';

const run = promisify(execFile);

/** Measured inside the child: only the import of the bundle (module loading, parsing, top-level code). */
const RUNNER = `const started = performance.now();
const module = await import(process.argv[2]);
const ms = performance.now() - started;
if (typeof module.handler !== 'function') throw new Error('no handler export');
process.stdout.write(JSON.stringify({ ms }));
`;

/**
 * What the functions find in their environment in AWS (infra/constructs/functions.ts sets these), with
 * placeholder values: enough for any module that reads configuration at import time not to throw. The
 * functions read it lazily, so none of it should matter.
 */
export function lambdaLikeEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    AWS_REGION: 'eu-west-1',
    AWS_DEFAULT_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    AWS_LAMBDA_FUNCTION_NAME: 'bench',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '512',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    STAGE: 'bench',
    LOG_LEVEL: 'INFO',
    TRANSATEL_BASE_URL: 'http://127.0.0.1:9',
    TRANSATEL_MVNO_REF: 'M2MA_WW_TSL_BENCH',
    TRANSATEL_COS: 'WW_M2MA_COS_IOT_CONNECT',
    TRANSATEL_RATE_PLAN: 'M2MA_WW_TSL_IOTCONNECT_CAPPED',
    TRANSATEL_DEFAULT_OPTIONS: '[]',
    TRANSATEL_SECRET_ID: 'bench-secret',
    ACTIVATION_DEADLINE_SECONDS: '3600',
    ORDERS_TABLE_NAME: 'bench-orders',
    IDEMPOTENCY_TABLE_NAME: 'bench-idempotency',
    ACTIVATION_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/000000000000/bench-activation',
    PLAN_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/000000000000/bench-subscription',
    EVENTS_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/000000000000/bench-events',
    EVENTS_TOPIC_ARN: 'arn:aws:sns:eu-west-1:000000000000:bench-events',
    ...extra,
  };
}

export interface ColdInitOptions {
  /** Fresh processes per bundle (at least 10). */
  runs: number;
  /** Node flags of the child, e.g. `--enable-source-maps`. */
  nodeFlags?: string[];
  /** The node binary of the children (default: the one running the bench). */
  nodePath?: string;
  onProgress?: (done: number, total: number) => void;
}

/** What a cold init is measured on: a named bundle file. */
export type MeasuredBundle = Pick<Bundle, 'file'> & { name: string };

export interface ColdInit {
  name: string;
  samplesMs: number[];
  medianMs: number;
}

async function importOnce(
  runner: string,
  bundle: MeasuredBundle,
  nodeFlags: string[],
  nodePath: string,
): Promise<number> {
  const { stdout } = await run(nodePath, [...nodeFlags, runner, pathToFileURL(bundle.file).href], {
    env: lambdaLikeEnv(),
    timeout: 30_000,
  });
  const { ms } = JSON.parse(stdout) as { ms: number };
  return ms;
}

/**
 * The cold init of each bundle: a fresh `node` process imports it, `runs` times. Every round visits all the
 * bundles (reference included) in a shuffled order, so machine drift spreads over all of them alike.
 */
export async function measureColdInit(
  bundles: readonly MeasuredBundle[],
  options: ColdInitOptions,
): Promise<ColdInit[]> {
  const runner = resolve(outRoot, 'cold-init-runner.mjs');
  await writeFile(runner, RUNNER);
  const samples = new Map<string, number[]>(bundles.map((bundle) => [bundle.name, []]));
  const random = seededRandom(7);
  const total = options.runs * bundles.length;
  const { nodeFlags = [], nodePath = process.execPath } = options;
  let done = 0;
  for (let round = 0; round < options.runs; round++) {
    for (const bundle of shuffled(bundles, random)) {
      samples.get(bundle.name)?.push(await importOnce(runner, bundle, nodeFlags, nodePath));
      done += 1;
      options.onProgress?.(done, total);
    }
  }
  return bundles.map((bundle) => {
    const samplesMs = samples.get(bundle.name) ?? [];
    return { name: bundle.name, samplesMs, medianMs: median(samplesMs) };
  });
}

/** Bundles whose import throws when the environment is empty (a module reading configuration at import). */
export async function importsWithEmptyEnv(bundles: readonly Bundle[]): Promise<string[]> {
  const runner = resolve(outRoot, 'cold-init-runner.mjs');
  await writeFile(runner, RUNNER);
  const failed = bundles.map(() => false);
  await forEachAtOnce(bundles, 2, async (bundle, index) => {
    try {
      await run(process.execPath, [runner, pathToFileURL(bundle.file).href], {
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
        timeout: 30_000,
      });
    } catch {
      failed[index] = true;
    }
  });
  return bundles.filter((_, index) => failed[index]).map(({ name }) => name);
}
