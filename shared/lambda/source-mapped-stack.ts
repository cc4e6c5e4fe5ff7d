import { readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { fileURLToPath } from 'node:url';

/**
 * Stack traces of a bundled function, mapped back to the TypeScript sources when an error is logged. The
 * map beside the bundle (`index.mjs.map`) is read on the container's first logged error, not at every cold
 * start as with NODE_OPTIONS=--enable-source-maps, which costs measurable init time (docs/design.md). Only
 * frames of `.mjs` files with a map change: locally (tsx) and in tests stacks pass through untouched.
 */

const maps = new Map<string, SourceMap | undefined>();

function sourceMapOf(file: string): SourceMap | undefined {
  if (!maps.has(file)) {
    let map: SourceMap | undefined;
    try {
      map = new SourceMap(JSON.parse(readFileSync(`${file}.map`, 'utf8')));
    } catch {
      map = undefined; // no map, or not one Node can read: frames stay as they are
    }
    maps.set(file, map);
  }
  return maps.get(file);
}

/** `file:///var/task/index.mjs:1:2345` or `/var/task/index.mjs:1:2345`, as V8 prints a frame's position. */
const BUNDLE_FRAME = /((?:file:\/\/)?\/[^\s():]+\.mjs):(\d+):(\d+)/g;

/** The stack with each position in a source-mapped bundle replaced by `<source>:<line>:<column>`. */
export function mapStack(stack: string): string {
  return stack.replace(BUNDLE_FRAME, (frame, location: string, line: string, column: string) => {
    const file = location.startsWith('file://') ? fileURLToPath(location) : location;
    const entry = sourceMapOf(file)?.findEntry(Number(line) - 1, Number(column) - 1);
    if (!entry || !('originalSource' in entry)) return frame;
    const source = entry.originalSource.replace(/^(?:\.\.\/)+/, '');
    return `${source}:${entry.originalLine + 1}:${entry.originalColumn + 1}`;
  });
}

/**
 * Maps the stacks of `error` and of its causes in place (once: a mapped frame no longer matches). Never throws:
 * it runs inside the logger, and an error whose `stack` cannot be written (frozen, a getter) keeps its own.
 */
export function sourceMapError<E extends Error>(error: E): E {
  let current: unknown = error;
  for (let depth = 0; current instanceof Error && depth < 10; depth++) {
    try {
      if (typeof current.stack === 'string') current.stack = mapStack(current.stack);
    } catch {
      // read-only stack: logged as it is
    }
    current = current.cause;
  }
  return error;
}
