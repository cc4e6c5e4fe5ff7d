import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * How the functions are bundled, shared by CDK (infra/constructs/functions.ts) and the benchmarks
 * (bench/bundle.ts), so that what is measured is what is deployed.
 */

/** Lambda runs ESM bundles; a few CommonJS dependencies still call `require`, so the banner provides one. */
export const ESM_REQUIRE_BANNER =
  "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);";

const shims = resolve(dirname(fileURLToPath(import.meta.url)), 'shims');

/**
 * esbuild `alias`: imports replaced at bundling time (see the shim for why). A trick stays only while it saves
 * at least 10 ms of cold init on Node 22 (`bench/aliases.ts`; docs/design.md).
 */
export const BUNDLE_ALIASES: Readonly<Record<string, string>> = {
  'node:http': resolve(shims, 'node-http.ts'),
  http: resolve(shims, 'node-http.ts'),
};

/** The same aliases as CDK's `esbuildArgs` takes them (`--alias:<from>=<to>` on esbuild's command line). */
export function aliasEsbuildArgs(): { '--alias': string[] } {
  return { '--alias': Object.entries(BUNDLE_ALIASES).map(([from, to]) => `${from}=${to}`) };
}
