import { describe, expect, it } from 'vitest';
import { importCycles } from './import-graph.js';

describe('importCycles', () => {
  it('gives one shortest cycle per tangle of modules, and none for a graph without any', () => {
    const graph = new Map([
      ['a', ['b']],
      ['b', ['c', 'd']],
      ['c', ['a', 'b']],
      ['d', ['e']],
      ['e', []],
      ['f', ['f']],
    ]);
    expect(importCycles(graph)).toEqual([
      { modules: ['a', 'b', 'c'], cycle: ['a', 'b', 'c', 'a'] },
      { modules: ['f'], cycle: ['f', 'f'] },
    ]);
    expect(
      importCycles(
        new Map([
          ['a', ['b']],
          ['b', []],
        ]),
      ),
    ).toEqual([]);
  });
});
