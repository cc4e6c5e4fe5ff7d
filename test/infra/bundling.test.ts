import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { aliasEsbuildArgs, BUNDLE_ALIASES, ESM_REQUIRE_BANNER } from '../../infra/bundling.js';
import { ReadableStream as ShimmedReadableStream } from '../../infra/shims/node-stream-web.js';

const outDir = await mkdtemp(join(tmpdir(), 'bundling-test-'));
afterAll(() => rm(outDir, { recursive: true, force: true }));

/** A middy handler bundled as the functions are, with or without the aliases. */
async function bundleMiddyHandler(withAliases: boolean): Promise<string> {
  const result = await build({
    stdin: {
      contents:
        "import middy from '@middy/core';\nexport const handler = middy().handler(async (event) => ({ echoed: event }));\n",
      resolveDir: process.cwd(),
      loader: 'ts',
    },
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'esm',
    mainFields: ['module', 'main'],
    banner: { js: ESM_REQUIRE_BANNER },
    ...(withAliases ? { alias: { ...BUNDLE_ALIASES } } : {}),
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles[0]?.text ?? '';
}

describe('the node:stream/web shim', () => {
  it('answers instanceof as the real ReadableStream does', () => {
    expect(new ReadableStream() instanceof ShimmedReadableStream).toBe(true);
    expect(Readable.from(['x']) instanceof ShimmedReadableStream).toBe(false);
    expect({} instanceof ShimmedReadableStream).toBe(false);
    expect((null as unknown) instanceof ShimmedReadableStream).toBe(false);
  });
});

describe('bundling aliases', () => {
  it('keep node:stream/web out of a middy bundle, which still runs', async () => {
    expect(await bundleMiddyHandler(false)).toContain('node:stream/web');
    const aliased = await bundleMiddyHandler(true);
    expect(aliased).not.toContain('node:stream/web');

    const file = join(outDir, 'middy-handler.mjs');
    await writeFile(file, aliased);
    const { handler } = (await import(pathToFileURL(file).href)) as {
      handler: (event: unknown, context: unknown) => Promise<unknown>;
    };
    expect(await handler({ a: 1 }, { getRemainingTimeInMillis: () => 1_000 })).toEqual({ echoed: { a: 1 } });
  });

  it('reach CDK as --alias arguments naming existing shims', () => {
    const { '--alias': aliases } = aliasEsbuildArgs();
    expect(aliases).toEqual([`node:stream/web=${BUNDLE_ALIASES['node:stream/web']}`]);
    for (const target of Object.values(BUNDLE_ALIASES)) expect(existsSync(target)).toBe(true);
  });
});
