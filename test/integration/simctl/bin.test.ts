import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { iccidFor } from '#local/simulator/index.js';
import type { LocalStack } from '#local/stack.js';
import { simctl, startTestStack } from './harness.js';

const BIN = resolve(import.meta.dirname, '../../../cli/simctl/bin.mjs');

interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs the real executable, as `npx simctl` does, with only the environment given. */
function spawnSimctl(
  argv: string[],
  env: Record<string, string>,
  onStderr?: (text: string, child: ChildProcess) => void,
): Promise<ChildResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [BIN, ...argv], {
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
      onStderr?.(stderr, child);
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolvePromise({ code, signal, stdout, stderr }));
  });
}

describe('the simctl executable (cli/simctl/bin.mjs)', () => {
  let stack: LocalStack;
  let dir: string;

  beforeAll(async () => {
    stack = await startTestStack();
    dir = await mkdtemp(join(tmpdir(), 'simctl-bin-'));
  });
  afterAll(async () => {
    await stack?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('runs the TypeScript sources through tsx: --help, and exit codes', async () => {
    const help = await spawnSimctl(['--help'], { HOME: dir });
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: simctl <command> [options]');
    const usage = await spawnSimctl(['balance'], { HOME: dir });
    expect(usage).toMatchObject({ code: 2, stdout: '' });
    expect(usage.stderr).toContain('simctl: missing <iccid>');
    const apiError = await spawnSimctl(['balance', '8988247000000000000'], {
      HOME: dir,
      SIMCTL_URL: stack.url,
    });
    expect(apiError).toMatchObject({
      code: 1,
      stdout: '',
      stderr: 'simctl: 400 Invalid request: params.iccid: ICCID check digit (Luhn) is wrong\n',
    });
  });

  it('signs with credentials from the standard AWS chain (here the environment)', async () => {
    let authorization: string | undefined;
    const server = createServer((req, res) => {
      authorization = req.headers.authorization;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ sims: [], page: 1, pageSize: 100, total: 0 }));
    });
    await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
    try {
      const { port } = server.address() as AddressInfo;
      const result = await spawnSimctl(['sims', '--sigv4', '--url', `http://127.0.0.1:${port}`], {
        // HOME without ~/.aws: the environment is the only source, and nothing reaches AWS.
        HOME: dir,
        AWS_REGION: 'ap-southeast-2',
        AWS_ACCESS_KEY_ID: 'AKIDFROMENVIRONMENT',
        AWS_SECRET_ACCESS_KEY: 'secret-from-environment',
      });
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toBe('No SIMs.\n');
      expect(authorization).toMatch(
        /^AWS4-HMAC-SHA256 Credential=AKIDFROMENVIRONMENT\/\d{8}\/ap-southeast-2\/execute-api\//,
      );
    } finally {
      await new Promise((closed) => server.close(closed));
    }
  });

  it('Ctrl-C during a bulk run saves the state and exits 130; the same command resumes', async () => {
    const csv = join(dir, 'ctrl-c.csv');
    const iccids = Array.from({ length: 20 }, (_, index) => iccidFor('available', 1_150 + index));
    await writeFile(csv, `iccid\n${iccids.join('\n')}\n`);
    const argv = ['activate', '--csv', csv, '--plan', 'IOTC_CAPPED_EU_1GB_1M', '--poll-interval', '30'];

    let interrupted = false;
    const first = await spawnSimctl(argv, { HOME: dir, SIMCTL_URL: stack.url }, (stderr, child) => {
      if (!interrupted && stderr.includes('progress: ordered 20/20')) {
        interrupted = true;
        child.kill('SIGINT');
      }
    });
    expect(first.code, first.stderr).toBe(130);
    expect(first.stderr).toMatch(
      /simctl: interrupted: progress saved in .*ctrl-c\.csv\.simctl-state\.json; run the same command again to resume\n$/,
    );
    const state = JSON.parse(await readFile(`${csv}.simctl-state.json`, 'utf8')) as {
      sims: Record<string, { orderId?: string }>;
    };
    const ordered = iccids.map((iccid) => state.sims[iccid]?.orderId);
    expect(ordered.every((orderId) => orderId !== undefined)).toBe(true);

    let posts = 0;
    const resumed = await simctl([...argv.slice(0, -1), '0.5'], {
      url: stack.url,
      fetch: (input, init) => {
        if (init?.method === 'POST') posts += 1;
        return fetch(input, init);
      },
    });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(posts).toBe(0);
    expect(resumed.stdout).toContain('20 SIMs: 20 ordered, 20 completed');
    const results = await readFile(`${csv}.results.csv`, 'utf8');
    for (const [index, iccid] of iccids.entries())
      expect(results).toContain(`${iccid},${ordered[index]},COMPLETED,`);
  }, 120_000);
});
