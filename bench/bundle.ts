import { rm, stat } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import { build, type Metafile, type Plugin } from 'esbuild';
import { BUNDLE_ALIASES, ESM_REQUIRE_BANNER } from '../infra/bundling.js';
import { type FunctionName, functions } from '../shared/topology.js';
import { outRoot, projectRoot } from './paths.js';

export const REFERENCE = 'reference';
export const REFERENCE_ENTRY = 'bench/reference/handler.ts';

export interface Bundle {
  /** A topology function, or the reference handler (a conventional Lambda: bench/reference/handler.ts). */
  name: FunctionName | typeof REFERENCE;
  entry: string;
  /** Absolute path of the .mjs (what Lambda loads). */
  file: string;
  bytes: number;
  mapBytes: number;
  /** The inputs, grouped by package ("(project)" for our code), that weigh the most in the output. */
  heaviest: { input: string; bytes: number }[];
}

function packageOf(input: string): string {
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
  return match?.[1] ?? '(project)';
}

function heaviestInputs(output: Metafile['outputs'][string], count = 4): Bundle['heaviest'] {
  const byPackage = new Map<string, number>();
  for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
    const key = packageOf(input);
    byPackage.set(key, (byPackage.get(key) ?? 0) + bytesInOutput);
  }
  return [...byPackage.entries()]
    .map(([input, bytes]) => ({ input, bytes }))
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, count);
}

export interface BundleChoice {
  /** These functions only (the reference is always built); every function when absent. */
  only?: readonly FunctionName[];
  /**
   * Packages replaced by stand-ins that export the same names and do nothing: what a function would weigh at
   * cold init in a design without them (`bench/instructions.ts --without`). Never used for the figures of
   * record.
   */
  without?: readonly string[];
  /**
   * esbuild's aliases: infra/bundling.ts's BUNDLE_ALIASES when absent (as deployed). bench/aliases.ts passes a
   * part of them, or none, to measure what each shim saves at cold init.
   */
  aliases?: Readonly<Record<string, string>>;
}

/**
 * Every topology function and the reference handler, bundled the way CDK's NodejsFunction bundles them with
 * this project's settings (infra/constructs/functions.ts: local esbuild, OutputFormat.ESM, minify, sourceMap
 * without sourcesContent, mainFields ['module','main'], the createRequire banner and aliases of
 * infra/bundling.ts, externalModules [] so the AWS SDK is bundled):
 * `esbuild --bundle --platform=node --target=node22 --format=esm --minify --sourcemap --sources-content=false
 * --main-fields=module,main --banner:js=... --alias:node:http=... --outfile=<name>/index.mjs`. One esbuild call with one entry
 * point per function and no code splitting: each output is a self-contained bundle, as CDK makes them.
 */
export async function bundleAll(
  outDir = resolve(outRoot, 'bundles'),
  choice: BundleChoice = {},
): Promise<Bundle[]> {
  const entries: { name: Bundle['name']; entry: string }[] = [
    ...(Object.entries(functions) as [FunctionName, { entry: string }][])
      .filter(([name]) => !choice.only || choice.only.includes(name))
      .map(([name, spec]) => ({ name, entry: spec.entry })),
    { name: REFERENCE, entry: REFERENCE_ENTRY },
  ];
  await rm(outDir, { recursive: true, force: true });
  const result = await build({
    absWorkingDir: projectRoot,
    entryPoints: Object.fromEntries(
      entries.map(({ name, entry }) => [`${name}/index`, resolve(projectRoot, entry)]),
    ),
    outdir: outDir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    splitting: false,
    platform: 'node',
    target: 'node22',
    format: 'esm',
    minify: true,
    sourcemap: true,
    sourcesContent: false,
    mainFields: ['module', 'main'],
    banner: { js: ESM_REQUIRE_BANNER },
    alias: { ...(choice.aliases ?? BUNDLE_ALIASES) },
    external: [],
    logLevel: 'warning',
    metafile: true,
    plugins: choice.without?.length ? [standIns(choice.without)] : [],
  });
  return Promise.all(
    entries.map(async ({ name, entry }) => {
      const file = resolve(outDir, name, 'index.mjs');
      const output = result.metafile.outputs[relative(projectRoot, file)];
      if (!output) throw new Error(`esbuild wrote no ${file}`);
      const [{ size: bytes }, { size: mapBytes }] = await Promise.all([stat(file), stat(`${file}.map`)]);
      return { name, entry, file, bytes, mapBytes, heaviest: heaviestInputs(output) };
    }),
  );
}

/**
 * Resolves each of `packages` to a module exporting the real package's names, every one bound to a do-nothing
 * stand-in (callable, constructible, extendable; any property of it is itself), so that importing code still
 * loads and only the package's own cost is gone.
 */
function standIns(packages: readonly string[]): Plugin {
  const escaped = packages.map((name) => name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'));
  return {
    name: 'stand-ins',
    setup(esbuild) {
      esbuild.onResolve({ filter: new RegExp(`^(?:${escaped.join('|')})$`) }, (args) => ({
        path: args.path,
        namespace: 'stand-in',
      }));
      esbuild.onLoad({ filter: /.*/, namespace: 'stand-in' }, async (args) => {
        const names = Object.keys(await import(args.path)).filter(
          (name) => name !== 'default' && /^[A-Za-z_$][\w$]*$/.test(name),
        );
        const contents = [
          'const standIn = new Proxy(function standIn() {}, {',
          "  get: (target, key) => (key === 'prototype' ? target.prototype : standIn),",
          '  apply: () => standIn,',
          '  construct: () => standIn,',
          '});',
          'export default standIn;',
          `export { ${names.map((name) => `standIn as ${name}`).join(', ')} };`,
        ].join('\n');
        return { contents, loader: 'js' };
      });
    },
  };
}
