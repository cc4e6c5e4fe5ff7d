import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { importCycles, importGraph } from './import-graph.js';

// The layout rules of docs/development.md, checked so that they keep holding.
const root = fileURLToPath(new URL('../../../', import.meta.url));

function sourcesUnder(folder: string): string[] {
  return readdirSync(join(root, folder)).flatMap((name) => {
    const path = join(folder, name);
    if (statSync(join(root, path)).isDirectory()) return sourcesUnder(path);
    return /\.(ts|mts|mjs)$/.test(path) ? [path] : [];
  });
}

const importSpecifiers = /(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g;

describe('the source layout', () => {
  it('has no import that climbs more than one folder (the #shared/... aliases of package.json instead)', () => {
    const climbing = ['functions', 'test', 'bench', 'cli'].flatMap(sourcesUnder).flatMap((path) =>
      [...readFileSync(join(root, path), 'utf8').matchAll(importSpecifiers)]
        .map((match) => match[1] ?? '')
        .filter((specifier) => specifier.startsWith('../../'))
        .map((specifier) => `${path}: ${specifier}`),
    );
    expect(climbing).toEqual([]);
  });

  it('keeps every file of functions/, shared/ and infra/ at 300 lines or fewer', () => {
    const long = ['functions', 'shared', 'infra']
      .flatMap(sourcesUnder)
      .map((path) => ({ path, lines: readFileSync(join(root, path), 'utf8').split('\n').length - 1 }))
      .filter(({ lines }) => lines > 300);
    expect(long).toEqual([]);
  });

  it('has no import cycle in shared/, type-only imports included: a module imports only modules below it', () => {
    const { graph, unresolved } = importGraph(root, sourcesUnder('shared'));
    expect(unresolved).toEqual([]);
    const cycles = importCycles(graph).map(
      ({ modules, cycle }) => `${cycle.join(' -> ')} (the tangle: ${modules.join(', ')})`,
    );
    expect(cycles).toEqual([]);
  });
});
