import * as z from 'zod';
import type { LocalEndpoints } from './aws.js';
import { acquireLocalhostDns, type EmulatorOptions, type Emulators } from './emulators.js';
import { startRuntimeChild } from './runtime-child.js';
import { type EmulatorUsage, emptyEmulatorUsage } from './usage.js';

export const emulatorsChildOptionsSchema = z.object({
  dataDir: z.string().optional(),
  sqsPort: z.number().int().min(0).max(65535).optional(),
  dynamodbPort: z.number().int().min(0).max(65535).optional(),
  countUsage: z.boolean().optional(),
});

/** Child -> parent, every second while `countUsage`. */
export type EmulatorsMessage = { kind: 'usage'; usage: EmulatorUsage };

interface EmulatorsReady {
  endpoints: LocalEndpoints;
  dynamodbPath?: string;
}

const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 10_000;

/**
 * fauxqs and dynalite in a child process (local/emulators-main.ts): the parent keeps only the
 * `*.localhost` resolver patch its SQS clients need. The child exits with its parent. With `countUsage`, its
 * counts arrive every second.
 */
export async function startEmulatorsProcess(options: EmulatorOptions): Promise<Emulators> {
  let usage = emptyEmulatorUsage();
  const { ready, stop } = await startRuntimeChild<EmulatorsReady>({
    entry: new URL('./emulators-main.ts', import.meta.url),
    name: "The emulators' process",
    init: emulatorsChildOptionsSchema.parse({
      dataDir: options.dataDir,
      sqsPort: options.sqsPort,
      dynamodbPort: options.dynamodbPort,
      countUsage: options.countUsage,
    }),
    startTimeoutMs: START_TIMEOUT_MS,
    onMessage: (raw) => {
      const message = raw as EmulatorsMessage;
      if (message.kind === 'usage') usage = message.usage;
    },
    warn: (line) => console.error(line),
  });
  const releaseDns = acquireLocalhostDns();
  let stopping: Promise<void> | undefined;
  return {
    endpoints: ready.endpoints,
    ...(ready.dynamodbPath ? { dynamodbPath: ready.dynamodbPath } : {}),
    usage: () => structuredClone(usage),
    stop() {
      stopping ??= stop({}, STOP_TIMEOUT_MS).finally(releaseDns);
      return stopping;
    },
  };
}
