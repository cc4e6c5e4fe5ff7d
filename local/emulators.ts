import { mkdir } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import dynalite from 'dynalite';
import { buildApp, interceptLocalhostDns } from 'fauxqs';
import type { LocalEndpoints } from './aws.js';
import { countDynaliteUsage, countFauxqsRequests, type EmulatorUsage, emptyEmulatorUsage } from './usage.js';

const HOST = '127.0.0.1';

export interface EmulatorOptions {
  /** DynamoDB goes to `<dataDir>/dynamodb` (LevelDB) when set, else it lives in memory. */
  dataDir?: string;
  /**
   * Run the emulators in a child process of their own (`local/emulators-main.ts`), so that on a multi-core
   * machine they do not share an event loop with the functions; default: in this process.
   */
  separateProcess?: boolean;
  /** 0 (default): any free port. */
  sqsPort?: number;
  dynamodbPort?: number;
  /** Count the requests answered and DynamoDB's capacity units (local/usage.ts; the bench's cost figures). */
  countUsage?: boolean;
}

export interface Emulators {
  endpoints: LocalEndpoints;
  /** Where DynamoDB keeps its data, when on disk. */
  dynamodbPath?: string;
  /** What they answered since they started; empty unless `countUsage`. */
  usage(): EmulatorUsage;
  stop(): Promise<void>;
}

/**
 * fauxqs names its queues `http://sqs.<region>.localhost:<port>/...`, and the functions' SQS clients
 * (no explicit endpoint) send each call to its queue URL's host. `*.localhost` is loopback by RFC 6761
 * but glibc does not resolve it, so fauxqs' resolver patch maps it to 127.0.0.1 while any emulator runs.
 * Counted, because tests may run two stacks in one process.
 */
let dnsUsers = 0;
let restoreDns: (() => void) | undefined;

export function acquireLocalhostDns(): () => void {
  dnsUsers += 1;
  if (dnsUsers === 1) restoreDns = interceptLocalhostDns();
  let released = false;
  return () => {
    if (released) return;
    released = true;
    dnsUsers -= 1;
    if (dnsUsers === 0) {
      restoreDns?.();
      restoreDns = undefined;
    }
  };
}

async function startFauxqs(port: number, usage: EmulatorUsage | undefined) {
  const app = buildApp({ logger: false });
  if (usage) countFauxqsRequests(app, usage);
  const address = await app.listen({ port, host: HOST });
  return { url: new URL(address).origin, close: () => app.close() };
}

async function startDynalite(port: number, path: string | undefined, usage: EmulatorUsage | undefined) {
  if (path) await mkdir(path, { recursive: true });
  const server: Server = dynalite({
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
    ...(path ? { path } : {}),
  });
  if (usage) countDynaliteUsage(server, usage);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, HOST, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port: actualPort } = server.address() as AddressInfo;
  return {
    url: `http://${HOST}:${actualPort}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        // dynalite's close also closes LevelDB, once the HTTP server has no connection left.
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/** fauxqs (SQS + SNS) and dynalite (DynamoDB), on 127.0.0.1 only, in this process or a child of its own. */
export async function startEmulators(options: EmulatorOptions = {}): Promise<Emulators> {
  if (options.separateProcess) {
    const { startEmulatorsProcess } = await import('./emulators-process.js');
    return startEmulatorsProcess(options);
  }
  const dynamodbPath = options.dataDir ? join(options.dataDir, 'dynamodb') : undefined;
  const releaseDns = acquireLocalhostDns();
  const started: { close(): Promise<void> }[] = [];
  const usage = options.countUsage ? emptyEmulatorUsage() : undefined;
  try {
    const fauxqs = await startFauxqs(options.sqsPort ?? 0, usage);
    started.push(fauxqs);
    const dynamo = await startDynalite(options.dynamodbPort ?? 0, dynamodbPath, usage);
    started.push(dynamo);
    let stopping: Promise<void> | undefined;
    return {
      endpoints: { sqs: fauxqs.url, sns: fauxqs.url, dynamodb: dynamo.url },
      ...(dynamodbPath ? { dynamodbPath } : {}),
      usage: () => structuredClone(usage ?? emptyEmulatorUsage()),
      stop() {
        stopping ??= Promise.all(started.map((emulator) => emulator.close())).then(
          () => releaseDns(),
          (error: unknown) => {
            releaseDns();
            throw error;
          },
        );
        return stopping;
      },
    };
  } catch (error) {
    await Promise.allSettled(started.map((emulator) => emulator.close()));
    releaseDns();
    throw error;
  }
}
