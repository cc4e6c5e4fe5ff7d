import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * The local runtime's child processes (emulators, worker hosts), both sides of one protocol over IPC:
 * the parent sends an init message; the child answers `{ kind: 'ready', ... }` or `{ kind: 'error', message }`;
 * `{ kind: 'stop', ... }` (or the parent going away) stops it. Children ignore Ctrl-C and SIGTERM sent to the
 * process group: the parent stops them after the work that uses them.
 */

type ChildReply = { kind: string; message?: string };
type OutgoingMessage = { kind: string } & Record<string, unknown>;

export interface RuntimeChild<Ready> {
  /** The child's ready message. */
  ready: Ready;
  /** Sends `{ kind: 'stop', ...command }`, kills the child if it has not exited after `killAfterMs`; once. */
  stop(command: Record<string, unknown>, killAfterMs: number): Promise<void>;
}

export interface RuntimeChildOptions {
  /** The child's entry module (TypeScript, run through tsx). */
  entry: URL;
  /** What the child is, for messages: "the emulators", "the events worker". */
  name: string;
  init: unknown;
  startTimeoutMs: number;
  /** Every message other than `ready` and `error` (logs, counters...). */
  onMessage?: (message: ChildReply) => void;
  /** Where an unexpected exit is reported. */
  warn: (line: string) => void;
}

export async function startRuntimeChild<Ready>(options: RuntimeChildOptions): Promise<RuntimeChild<Ready>> {
  const child: ChildProcess = fork(fileURLToPath(options.entry), [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let stopping: Promise<void> | undefined;
  child.once('exit', (code, signal) => {
    if (!stopping) options.warn(`${options.name} exited unexpectedly (code ${code}, signal ${signal}).`);
  });

  let ready: Ready;
  try {
    ready = await new Promise<Ready>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${options.name} did not start within ${options.startTimeoutMs / 1000} s`)),
        options.startTimeoutMs,
      );
      child.on('message', (raw) => {
        const reply = raw as ChildReply;
        if (reply.kind === 'ready') {
          clearTimeout(timer);
          resolve(raw as Ready);
        } else if (reply.kind === 'error') {
          clearTimeout(timer);
          reject(new Error(`${options.name} did not start: ${reply.message}`));
        } else options.onMessage?.(reply);
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`${options.name} exited before it was ready (code ${code}, signal ${signal})`));
      });
      child.send(options.init as object);
    });
  } catch (error) {
    stopping = Promise.resolve();
    child.kill('SIGKILL');
    throw error;
  }
  return {
    ready,
    stop(command, killAfterMs) {
      stopping ??= (async () => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        const killer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
        child.send({ ...command, kind: 'stop' });
        await exited;
        clearTimeout(killer);
      })();
      return stopping;
    },
  };
}

export interface ServedChild {
  /** Sent to the parent once started: `kind: 'ready'` is added. */
  ready: Record<string, unknown>;
  /** Stops what the child runs; what it returns is sent to the parent before the child exits. */
  stop(command: Record<string, unknown>): Promise<OutgoingMessage | undefined>;
}

/** In a child's entry module: waits for the init message, starts, and serves the stop protocol. */
export function serveRuntimeChild<Init>(
  parseInit: (raw: unknown) => Init,
  start: (init: Init) => Promise<ServedChild>,
): void {
  process.on('SIGINT', () => {});
  process.on('SIGTERM', () => {});
  const exitAfter = (last: OutgoingMessage | undefined, code: number) => {
    if (last && process.connected && process.send)
      process.send(last, undefined, {}, () => process.exit(code));
    else process.exit(code);
  };
  process.once('message', (raw: unknown) => {
    (async () => start(parseInit(raw)))().then(
      (served) => {
        let stopping = false;
        const stop = (command: Record<string, unknown>) => {
          if (stopping) return;
          stopping = true;
          served.stop(command).then(
            (last) => exitAfter(last, 0),
            (error: unknown) => {
              console.error(error);
              exitAfter(undefined, 1);
            },
          );
        };
        process.on('message', (message: { kind?: unknown }) => {
          if (message?.kind === 'stop') stop(message as Record<string, unknown>);
        });
        process.on('disconnect', () => stop({}));
        process.send?.({ ...served.ready, kind: 'ready' });
      },
      (error: unknown) =>
        exitAfter(
          { kind: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) },
          1,
        ),
    );
  });
}
