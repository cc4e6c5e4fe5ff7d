import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { sendAttempt } from '#shared/transatel/http-attempt.js';
import { IDLE_CONNECTION_MS, keepAliveAgents } from '#shared/transatel/keep-alive.js';

const servers: Server[] = [];

/** A local server answering 200 with the keep-alive timeout given (0: no Keep-Alive hint in its answers). */
async function serverClosingIdleAfter(keepAliveTimeoutMs: number): Promise<string> {
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => response.end('{}'));
  });
  server.keepAliveTimeout = keepAliveTimeoutMs;
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

/** The idle timeout of the pooled connections to `url`, once a request to it has finished. */
function pooledIdleTimeouts(url: string, agents = keepAliveAgents): (number | undefined)[] {
  const { host } = new URL(url);
  const [name, sockets] = Object.entries(agents['http:'].freeSockets).find(([key]) =>
    key.startsWith(`${host}:`),
  ) ?? ['', []];
  expect(name).not.toBe('');
  return (sockets ?? []).map((socket) => socket.timeout);
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

describe('sendAttempt keep-alive pool', () => {
  it('closes an idle connection before the server does, a second before its announced timeout', async () => {
    const url = await serverClosingIdleAfter(3_000);
    const result = await sendAttempt(url, { method: 'GET', headers: {} }, 5_000, 'test');
    expect(result.status).toBe(200);
    await expect.poll(() => pooledIdleTimeouts(url)).toEqual([2_000]);
  });

  it('closes an idle connection after IDLE_CONNECTION_MS when the server announces no timeout', async () => {
    const url = await serverClosingIdleAfter(0);
    await sendAttempt(url, { method: 'POST', headers: {}, body: '{}' }, 5_000, 'test');
    await expect.poll(() => pooledIdleTimeouts(url)).toEqual([IDLE_CONNECTION_MS]);
  });
});
