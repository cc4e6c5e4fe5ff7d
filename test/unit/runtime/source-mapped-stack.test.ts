import { describe, expect, it } from 'vitest';
import { mapStack, sourceMapError } from '#shared/lambda/source-mapped-stack.js';

// Stacks of a real bundle run by node: test/integration/runtime/source-mapped-stack.test.ts.

describe('sourceMapError', () => {
  it('leaves an error whose stack cannot be written as it is, without throwing', () => {
    const frozen = Object.freeze(new Error('frozen'));
    const getter = new Error('getter');
    Object.defineProperty(getter, 'stack', { get: () => 'Error: getter\n    at /var/task/index.mjs:1:2' });
    expect(sourceMapError(frozen)).toBe(frozen);
    expect(sourceMapError(getter).stack).toBe('Error: getter\n    at /var/task/index.mjs:1:2');
  });
});

describe('mapStack', () => {
  it('leaves frames of files other than .mjs bundles alone', () => {
    const stack =
      'Error: x\n    at f (/var/task/handler.ts:3:7)\n    at node:internal/process/task_queues:95:5';
    expect(mapStack(stack)).toBe(stack);
  });
});
