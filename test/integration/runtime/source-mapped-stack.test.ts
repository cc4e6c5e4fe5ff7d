import { execFile } from 'node:child_process';
import { mkdtemp, rm, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const runtime = resolve('shared/lambda');

// A bundled "function" that fails on line 6 of its source and logs the error with the functions' logger. It is
// bundled and minified as the functions are, and run by a plain `node` (vitest maps stacks itself).
const SOURCE = `import { createLogger } from '${runtime}/logger.ts';
import { mapStack } from '${runtime}/source-mapped-stack.ts';
export function chargePlan(iccid) {
  const attempt = { iccid, at: Date.now() };
  if (attempt.at < 0) return undefined;
  throw new Error(\`plan refused for \${attempt.iccid}\`, { cause: new TypeError('inner failure') });
}
try {
  chargePlan('8933000000000000001');
} catch (error) {
  const raw = error.stack;
  process.stdout.write(\`\${JSON.stringify({ raw, mapped: mapStack(raw) })}\\n\`);
  createLogger().error('plan order failed', { error });
}
`;
const SOURCE_FRAME = /shared\/workflow\/charge\.ts:6:\d+/;

const dir = await mkdtemp(join(tmpdir(), 'source-mapped-stack-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

async function runBundled(name: string, withMap: boolean) {
  const file = join(dir, name, 'index.mjs');
  await build({
    stdin: { contents: SOURCE, loader: 'ts', sourcefile: 'shared/workflow/charge.ts', resolveDir: dir },
    bundle: true,
    platform: 'node',
    format: 'esm',
    minify: true,
    sourcemap: true,
    sourcesContent: false,
    outfile: file,
    logLevel: 'silent',
  });
  if (!withMap) await unlink(`${file}.map`);
  const { stdout, stderr } = await run(process.execPath, [file], {
    env: { PATH: process.env.PATH ?? '', POWERTOOLS_SERVICE_NAME: 'test' },
  });
  // The logger prints errors on stderr.
  const [stacks, logLine] = `${stdout}${stderr}`
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  return {
    file,
    stacks: stacks as { raw: string; mapped: string },
    logged: (logLine as { error: { stack: string; location: string; cause: { stack: string } } }).error,
  };
}

describe('stacks of a bundled function', () => {
  it('are mapped to the source positions, for the error and its cause, when the map is beside the bundle', async () => {
    const { file, stacks, logged } = await runBundled('mapped', true);
    expect(stacks.raw).toContain(`${file}:`);
    expect(stacks.raw).not.toMatch(SOURCE_FRAME);
    expect(stacks.mapped).toMatch(SOURCE_FRAME);
    expect(stacks.mapped).not.toContain(`${file}:`);
    expect(stacks.mapped.split('\n')[0]).toBe('Error: plan refused for 8933000000000000001');

    expect(logged.stack).toMatch(SOURCE_FRAME);
    expect(logged.location).toMatch(/shared\/workflow\/charge\.ts:6/);
    expect(logged.cause.stack).toMatch(SOURCE_FRAME);
  });

  it('are left as they are without a map', async () => {
    const { file, stacks, logged } = await runBundled('unmapped', false);
    expect(stacks.mapped).toBe(stacks.raw);
    expect(logged.stack).toContain(`${file}:`);
  });
});
