import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as z from 'zod';
import type { LocalEndpoints } from './aws.js';
import { acquireLocalhostDns, type EmulatorOptions, type Emulators } from './emulators.js';

export const emulatorsChildOptionsSchema = z.object({
  dataDir: z.string().optional(),
  sqsPort: z.number().int().min(0).max(65535).optional(),
  dynamodbPort: z.number().int().min(0).max(65535).optional(),
});

export type EmulatorsChildMessage =
  | { kind: 'ready'; endpoints: LocalEndpoints; dynamodbPath?: string }
  | { kind: 'error'; message: string };

const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 10_000;

/**
 * fauxqs and dynalite in a child process (local/emulators-main.ts through tsx): the parent keeps only the
 * `*.localhost` resolver patch its SQS clients need. The child exits with its parent.
 */
export async function startEmulatorsProcess(options: EmulatorOptions): Promise<Emulators> {
  const childOptions = emulatorsChildOptionsSchema.parse({
    dataDir: options.dataDir,
    sqsPort: options.sqsPort,
    dynamodbPort: options.dynamodbPort,
  });
  const child = fork(
    fileURLToPath(new URL('./emulators-main.ts', import.meta.url)),
    [JSON.stringify(childOptions)],
    {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let ready: Extract<EmulatorsChildMessage, { kind: 'ready' }>;
  try {
    ready = await new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`the emulators did not start within ${START_TIMEOUT_MS / 1000} s`)),
        START_TIMEOUT_MS,
      );
      child.once('message', (raw) => {
        clearTimeout(timer);
        const message = raw as EmulatorsChildMessage;
        if (message.kind === 'ready') resolve(message);
        else reject(new Error(`the emulators did not start: ${message.message}`));
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(
          new Error(`the emulators' process exited before it was ready (code ${code}, signal ${signal})`),
        );
      });
    });
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  const releaseDns = acquireLocalhostDns();
  let stopping: Promise<void> | undefined;
  child.once('exit', (code, signal) => {
    if (!stopping)
      console.error(`The emulators' process exited unexpectedly (code ${code}, signal ${signal}).`);
  });
  return {
    endpoints: ready.endpoints,
    ...(ready.dynamodbPath ? { dynamodbPath: ready.dynamodbPath } : {}),
    stop() {
      stopping ??= (async () => {
        try {
          if (child.exitCode === null && child.signalCode === null) {
            const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
            child.send({ kind: 'stop' });
            await exited;
            clearTimeout(timer);
          }
        } finally {
          releaseDns();
        }
      })();
      return stopping;
    },
  };
}
