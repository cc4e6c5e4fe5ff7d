import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

/**
 * Which module imports which, as tsc resolves the specifiers (relative paths and the `#shared/...` aliases of
 * package.json), and the cycles in it. Type-only imports count: erased at run time, they still make each
 * module part of the other's design.
 */

/** Paths relative to the root, each with the modules of the graph it imports. */
export type ImportGraph = ReadonlyMap<string, readonly string[]>;

const resolution: ts.CompilerOptions = {
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  resolveJsonModule: true,
};

/** The imports among `files`; `unresolved` lists the project's own specifiers (`./`, `../`, `#`) tsc cannot find. */
export function importGraph(
  root: string,
  files: readonly string[],
): { graph: ImportGraph; unresolved: string[] } {
  const inGraph = new Set(files);
  const graph = new Map<string, string[]>();
  const unresolved: string[] = [];
  for (const file of files) {
    const path = join(root, file);
    // Import and export declarations, import() and require(), outside comments and strings.
    const { importedFiles } = ts.preProcessFile(readFileSync(path, 'utf8'), true, true);
    const imports = new Set<string>();
    for (const { fileName: specifier } of importedFiles) {
      const resolved = ts.resolveModuleName(
        specifier,
        path,
        resolution,
        ts.sys,
        undefined,
        undefined,
        ts.ModuleKind.ESNext,
      ).resolvedModule;
      if (resolved === undefined) {
        if (/^(\.|#)/.test(specifier)) unresolved.push(`${file}: ${specifier}`);
        continue;
      }
      const target = relative(root, resolved.resolvedFileName);
      if (inGraph.has(target)) imports.add(target);
    }
    graph.set(file, [...imports].sort());
  }
  return { graph, unresolved };
}

/** The modules that reach each other (Tarjan's strongly connected components), those of a cycle only. */
function tangles(graph: ImportGraph): string[][] {
  const order = new Map<string, number>();
  const lowest = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (module: string): void => {
    order.set(module, order.size);
    lowest.set(module, order.get(module) ?? 0);
    stack.push(module);
    onStack.add(module);
    for (const next of graph.get(module) ?? []) {
      if (!order.has(next)) visit(next);
      if (onStack.has(next)) lowest.set(module, Math.min(lowest.get(module) ?? 0, lowest.get(next) ?? 0));
    }
    if (lowest.get(module) !== order.get(module)) return;
    const component: string[] = [];
    let member: string | undefined;
    do {
      member = stack.pop();
      if (member === undefined) break;
      onStack.delete(member);
      component.push(member);
    } while (member !== module);
    if (component.length > 1 || graph.get(module)?.includes(module)) found.push(component.sort());
  };
  for (const module of [...graph.keys()].sort()) if (!order.has(module)) visit(module);
  return found.sort((a, b) => (a[0] ?? '').localeCompare(b[0] ?? ''));
}

/** A tangle of modules that reach each other, and its shortest cycle from its first module back to it. */
export interface ImportCycle {
  modules: string[];
  cycle: string[];
}

export function importCycles(graph: ImportGraph): ImportCycle[] {
  return tangles(graph).map((modules) => ({ modules, cycle: shortestCycle(graph, modules) }));
}

/** Breadth first from the tangle's first module, within the tangle: `[a, b, c, a]`. */
function shortestCycle(graph: ImportGraph, modules: readonly string[]): string[] {
  const members = new Set(modules);
  const start = modules[0] ?? '';
  const cameFrom = new Map<string, string>();
  const queue = [start];
  for (let at = queue.shift(); at !== undefined; at = queue.shift()) {
    for (const next of graph.get(at) ?? []) {
      if (next === start) {
        const path = [start];
        for (
          let step: string | undefined = at;
          step !== undefined && step !== start;
          step = cameFrom.get(step)
        ) {
          path.splice(1, 0, step);
        }
        return [...path, start];
      }
      if (members.has(next) && !cameFrom.has(next)) {
        cameFrom.set(next, at);
        queue.push(next);
      }
    }
  }
  return [...modules];
}
