import { createRequire, syncBuiltinESMExports } from 'node:module';
import { afterAll, afterEach } from 'vitest';

/**
 * Setup file of the `unit` project (vitest.config.ts): a unit test opens no socket (no server
 * listening, no connection, to localhost or anywhere) and starts no process (tsx, node, esbuild's
 * service). Each of those throws here, and the test that tried it fails even when the code under
 * test caught the error. Tests that need any of it belong under test/integration.
 *
 * The vitest worker itself talks to the main process over the fork's IPC channel, which opens
 * before this file runs and uses none of the functions replaced here.
 */

const require = createRequire(import.meta.url);
const net: typeof import('node:net') = require('node:net');
const childProcess: typeof import('node:child_process') = require('node:child_process');

const violations: string[] = [];

function refuse(what: string): never {
  const message = `${what} in a unit test: no sockets and no child processes here (move the test to test/integration)`;
  violations.push(message);
  throw new Error(message);
}

net.Server.prototype.listen = function listen() {
  refuse('net.Server#listen');
};
net.Socket.prototype.connect = function connect() {
  refuse('net.Socket#connect');
};
net.connect = () => refuse('net.connect');
net.createConnection = () => refuse('net.createConnection');

for (const name of ['spawn', 'spawnSync', 'fork', 'exec', 'execSync', 'execFile', 'execFileSync'] as const) {
  Object.defineProperty(childProcess, name, {
    value: () => refuse(`child_process.${name}`),
    writable: true,
    configurable: true,
    enumerable: true,
  });
}

// `import { spawn } from 'node:child_process'` reads the ESM bindings, updated from the patched objects here.
syncBuiltinESMExports();

function failOnViolations() {
  if (violations.length === 0) return;
  const found = violations.splice(0);
  throw new Error(found.join('\n'));
}

afterEach(failOnViolations);
afterAll(failOnViolations);
