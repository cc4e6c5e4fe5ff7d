import { describe, expect, it } from 'vitest';
import { LAMBDA_NODE_MAJOR, largerThanReference, targetPass } from '#bench/cold-init-part.js';
import { renderTargets } from '#bench/table.js';

describe('the cold-init target is checked on Node 22 rounds', () => {
  const here20 = { version: 'v20.20.2', how: 'this machine' as const };
  const here22 = { version: 'v22.23.3', how: 'this machine' as const };
  const node22 = { version: 'v22.23.3', how: '--node' as const };
  const node24 = { version: 'v24.1.0', how: '--node' as const };

  it("takes --node's rounds when they ran Node 22", () => {
    expect(LAMBDA_NODE_MAJOR).toBe(22);
    expect(targetPass([here20, node22])).toBe(node22);
    expect(targetPass([here22, node22])).toBe(node22);
  });

  it("takes the bench's own rounds when the bench runs Node 22", () => {
    expect(targetPass([here22])).toBe(here22);
    expect(targetPass([here22, node24])).toBe(here22);
  });

  it('finds none without Node 22 rounds: the target is not measured', () => {
    expect(targetPass([here20])).toBeUndefined();
    expect(targetPass([here20, node24])).toBeUndefined();
  });
});

describe('the size target', () => {
  it("names every function whose bundle is larger than the reference's", () => {
    const result = largerThanReference([
      { name: 'reference', bytes: 850_000 },
      { name: 'activation-api', bytes: 140_000 },
      { name: 'report-worker', bytes: 900_000 },
      { name: 'plan-worker', bytes: 850_000 },
    ]);
    expect(result).toEqual({
      largest: { name: 'report-worker', bytes: 900_000 },
      over: ['report-worker'],
      reference: 850_000,
    });
  });

  it('needs the reference', () => {
    expect(() => largerThanReference([{ name: 'activation-api', bytes: 1 }])).toThrow('no reference');
  });
});

describe('the targets table', () => {
  it('says NOT MEASURED for a target the run could not check, n/a for a reported figure', () => {
    const rendered = renderTargets([
      { target: 'a', measured: 'not measured: no Node 22', pass: 'not measured' },
      { target: 'b', measured: '1', pass: undefined },
      { target: 'c', measured: '2', pass: true },
      { target: 'd', measured: '3', pass: false },
    ]);
    const cells = rendered
      .split('\n')
      .filter((line) => /^\| [abcd] /.test(line))
      .map((line) => line.split('|').at(-2)?.trim());
    expect(cells).toEqual(['NOT MEASURED', 'n/a', 'PASS', 'FAIL']);
  });
});
