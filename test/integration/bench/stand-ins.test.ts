import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { type Bundle, bundleAll } from '#bench/bundle.js';
import { lambdaLikeEnv } from '#bench/cold-init.js';

const run = promisify(execFile);
const outDir = await mkdtemp(join(tmpdir(), 'stand-ins-test-'));
afterAll(() => rm(outDir, { recursive: true, force: true }));

function named(bundles: Bundle[], name: Bundle['name']): Bundle {
  const bundle = bundles.find((candidate) => candidate.name === name);
  if (!bundle) throw new Error(`no ${name} bundle`);
  return bundle;
}

describe('bundleAll with stand-ins (bench/instructions.ts --without)', () => {
  it('builds only the chosen functions, drops the replaced package, and the result still imports', async () => {
    const asIs = await bundleAll(join(outDir, 'as-is'), { only: ['activation-api'] });
    const without = await bundleAll(join(outDir, 'without'), {
      only: ['activation-api'],
      without: ['@aws-sdk/util-dynamodb'],
    });
    expect(asIs.map(({ name }) => name).sort()).toEqual(['activation-api', 'reference']);
    expect(without.map(({ name }) => name).sort()).toEqual(['activation-api', 'reference']);

    // Every bundle that imports the package loses it: the reference too, through @aws-sdk/lib-dynamodb.
    expect(named(without, 'reference').bytes).toBeLessThan(named(asIs, 'reference').bytes);
    // The marshaller's advice for numbers beyond the safe integers, one of its own strings.
    expect(await readFile(named(asIs, 'activation-api').file, 'utf8')).toContain('NumberValue');
    expect(await readFile(named(without, 'activation-api').file, 'utf8')).not.toContain('NumberValue');
    expect(named(asIs, 'activation-api').bytes - named(without, 'activation-api').bytes).toBeGreaterThan(
      2_000,
    );

    const { stdout } = await run(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `const m = await import(${JSON.stringify(pathToFileURL(named(without, 'activation-api').file).href)}); console.log(typeof m.handler);`,
      ],
      { env: lambdaLikeEnv() },
    );
    expect(stdout.trim()).toBe('function');
  }, 60_000);
});
