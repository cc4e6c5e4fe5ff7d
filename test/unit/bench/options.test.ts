import { describe, expect, it } from 'vitest';
import { parseBenchArgs, USAGE } from '#bench/options.js';

describe('the bench options', () => {
  it('runs the bulk target at N 3,000 and R 100, and the same orders at R 200 without a target', () => {
    const options = parseBenchArgs([]);
    expect(options).toMatchObject({ bulkOrders: 3000, rps: 100, cpuRps: 200, reliabilityOrders: 2000 });
  });

  it('--orders sizes both bulk runs and the reliability run; --cpu-rps 0 drops the R 200 run', () => {
    expect(parseBenchArgs(['bulk', '--orders', '500', '--cpu-rps', '0'])).toMatchObject({
      parts: ['bulk'],
      bulkOrders: 500,
      reliabilityOrders: 500,
      cpuRps: 0,
    });
    expect(parseBenchArgs(['--rps', '150', '--cpu-rps', '300'])).toMatchObject({ rps: 150, cpuRps: 300 });
  });

  it('keeps --quick small, the R 200 run included', () => {
    expect(parseBenchArgs(['--quick'])).toMatchObject({
      bulkOrders: 60,
      rps: 100,
      cpuRps: 200,
      reliabilityOrders: 24,
    });
  });

  it('no longer takes the control run', () => {
    expect(() => parseBenchArgs(['--control-rps', '40'])).toThrow();
  });

  it('says in its help where each target is measured', () => {
    expect(parseBenchArgs(['--help'])).toBeUndefined();
    for (const words of [
      '1.3×',
      'on Node 22',
      'bench/reference/',
      'at R 100',
      'R 200',
      'NOT MEASURED',
      'aliases.ts',
    ]) {
      expect(USAGE).toContain(words);
    }
  });
});
