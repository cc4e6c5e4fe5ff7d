import { type ChildProcess, fork } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { projectRoot } from './paths.js';

/** What a bench child sends its parent over IPC. */
export type ChildMessage =
  | { kind: 'progress'; line: string }
  | { kind: 'ready'; url: string }
  | { kind: 'result'; value: unknown }
  | { kind: 'error'; message: string };

export interface ForkedChild {
  child: ChildProcess;
  /** Resolves with the first message of this kind; rejects if the child exits first. */
  next<K extends ChildMessage['kind']>(kind: K): Promise<Extract<ChildMessage, { kind: K }>>;
  stop(): Promise<void>;
}

/**
 * Forks a TypeScript module of this project (through tsx) with an IPC channel; its stdout and stderr (the
 * functions' JSON logs, say) go to `logFile`, so they neither mix with the bench output nor cost a terminal.
 */
export function forkTs(
  script: string,
  args: string[],
  options: { logFile: string; onProgress?: (line: string) => void; env?: NodeJS.ProcessEnv },
): ForkedChild {
  mkdirSync(dirname(options.logFile), { recursive: true });
  const log = openSync(options.logFile, 'w');
  const child = fork(resolve(projectRoot, script), args, {
    cwd: projectRoot,
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', log, log, 'ipc'],
    env: { ...process.env, ...options.env },
  });
  closeSync(log);
  const waiting = new Map<string, (message: ChildMessage) => void>();
  const buffered: ChildMessage[] = [];
  let exited: string | undefined;
  const failures = new Set<(error: Error) => void>();
  child.on('message', (raw) => {
    const message = raw as ChildMessage;
    if (message.kind === 'progress') {
      options.onProgress?.(message.line);
      return;
    }
    const resolveWaiter = waiting.get(message.kind);
    if (resolveWaiter) {
      waiting.delete(message.kind);
      resolveWaiter(message);
    } else buffered.push(message);
  });
  child.on('exit', (code, signal) => {
    exited = `${script} exited (code ${code}, signal ${signal}); see ${options.logFile}`;
    for (const fail of failures) fail(new Error(exited));
  });
  return {
    child,
    next(kind) {
      type Wanted = Extract<ChildMessage, { kind: typeof kind }>;
      return new Promise<Wanted>((resolvePromise, reject) => {
        const settleError = (error: Error) => reject(error);
        const take = (message: ChildMessage) => {
          failures.delete(settleError);
          if (message.kind === 'error') reject(new Error(message.message));
          else resolvePromise(message as Wanted);
        };
        const index = buffered.findIndex((message) => message.kind === kind || message.kind === 'error');
        if (index >= 0) {
          const [message] = buffered.splice(index, 1);
          if (message) take(message);
          return;
        }
        if (exited) {
          reject(new Error(exited));
          return;
        }
        failures.add(settleError);
        waiting.set(kind, take);
        waiting.set('error', take);
      });
    },
    stop() {
      if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
      return new Promise<void>((done) => {
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        child.once('exit', () => {
          clearTimeout(timer);
          done();
        });
        child.kill('SIGTERM');
      });
    },
  };
}

/** In a forked child: a message to the parent (a no-op when run without IPC); resolves once it is sent. */
export function toParent(message: ChildMessage): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send) resolve();
    else process.send(message, undefined, {}, () => resolve());
  });
}
