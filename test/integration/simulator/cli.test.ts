import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { SIMULATOR_VARIANTS, variantDescriptions } from '#local/simulator/index.js';
import { waitFor } from './helpers.js';

const projectRoot = fileURLToPath(new URL('../../../', import.meta.url));

interface Run {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function run(script: string, args: string[], env: NodeJS.ProcessEnv = {}): Run {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: projectRoot,
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

describe('variant flags of the command lines', () => {
  const running: Run[] = [];
  afterEach(async () => {
    for (const r of running.splice(0)) {
      if (r.child.exitCode === null) r.child.kill('SIGTERM');
      await r.exited;
    }
  });

  it('npm run simulator: an unknown --variant or SIM_VARIANT is a usage error naming the valid ones', async () => {
    const [flag, env] = [
      run('local/simulator/main.ts', ['--variant', 'nope']),
      run('local/simulator/main.ts', [], { SIM_VARIANT: 'nope' }),
    ];
    for (const r of [flag, env]) {
      running.push(r as Run);
      expect(await r?.exited).toBe(2);
      expect(r?.output()).toContain(`must be one of ${SIMULATOR_VARIANTS.join(', ')}; got 'nope'`);
    }
  });

  it('npm run simulator --help and npm start --help list every variant with what it changes', async () => {
    const runs = [run('local/simulator/main.ts', ['--help']), run('local/start.ts', ['--help'])];
    running.push(...runs);
    for (const r of runs) {
      expect(await r.exited).toBe(0);
      for (const name of SIMULATOR_VARIANTS) {
        expect(r.output()).toContain(name);
        for (const line of variantDescriptions[name]) expect(r.output()).toContain(line);
      }
    }
  });

  it('npm start: an unknown --transatel-variant is a usage error', async () => {
    const r = run('local/start.ts', ['--transatel-variant', 'nope']);
    running.push(r);
    expect(await r.exited).toBe(2);
    expect(r.output()).toContain(`--transatel-variant must be one of ${SIMULATOR_VARIANTS.join(', ')}`);
  });

  it('npm run simulator --variant alternate serves that variant', async () => {
    const r = run('local/simulator/main.ts', ['--variant', 'alternate', '--port', '0', '--quiet']);
    running.push(r);
    const url = await waitFor(
      () => /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(r.output())?.[1],
      15_000,
      50,
    );
    expect(r.output()).toContain('variant alternate');
    const health = await fetch(`${url}/_sim/health`);
    expect(await health.json()).toEqual({ ok: true, variant: 'alternate' });
  });
});
