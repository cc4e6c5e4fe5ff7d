import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cpuPerOrder, medianRun, ratioToCeiling, repeatTable, spreadAroundMean } from '#bench/bulk-runs.js';
import { cpuBetween } from '#bench/process-cpu.js';

const run = (wallSeconds: number) => ({ wallSeconds, orders: 3000, calls: 6000, rps: 200 });

describe('bulk runs', () => {
  it('the ratio is the ceiling (calls / R) over the wall time', () => {
    expect(ratioToCeiling(run(40))).toBe(0.75);
  });

  it('the spread is the furthest ratio from the mean, as a share of it', () => {
    expect(spreadAroundMean([0.9, 1.0, 1.1])).toBeCloseTo(0.1);
    expect(spreadAroundMean([0.5])).toBe(0);
    expect(spreadAroundMean([])).toBe(0);
  });

  it('the spread is 0 only for equal values, never negative (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0.01, max: 10, noNaN: true }), { minLength: 2, maxLength: 8 }),
        (values) => {
          const spread = spreadAroundMean(values);
          expect(spread).toBeGreaterThanOrEqual(0);
          if (values.every((value) => value === values[0])) expect(spread).toBe(0);
        },
      ),
    );
  });

  it('shows the median run by ratio (the lower middle of an even count)', () => {
    expect(medianRun([run(30), run(60), run(40)]).wallSeconds).toBe(40);
    expect(medianRun([run(30), run(60), run(40), run(50)]).wallSeconds).toBe(50);
    expect(() => medianRun([])).toThrow();
  });

  it('lists each run with its ratio', () => {
    const table = repeatTable([run(40), run(50)]);
    expect(table.rows.map((row) => row.at(-1))).toEqual(['0.75×', '0.60×']);
  });
});

describe('child process CPU', () => {
  it('is what each child used between two readings; a child gone by the second is left out', () => {
    const before = [
      { pid: 1, name: 'emulators-main.ts', seconds: 2 },
      { pid: 2, name: 'sim-server.ts', seconds: 1 },
    ];
    const after = [
      { pid: 1, name: 'emulators-main.ts', seconds: 12.5 },
      { pid: 3, name: 'worker-host-main.ts', seconds: 4 },
    ];
    expect(cpuBetween(before, after)).toEqual([
      { pid: 1, name: 'emulators-main.ts', seconds: 10.5 },
      { pid: 3, name: 'worker-host-main.ts', seconds: 4 },
    ]);
  });
});

describe('CPU per order', () => {
  it('adds the stack process and its children, names them, and shares them over the cores', () => {
    const cpu = cpuPerOrder(
      {
        orders: 1000,
        wallSeconds: 10,
        cpuSeconds: 6,
        childCpu: [
          { name: 'emulators-main.ts', seconds: 7 },
          { name: 'worker-host-main.ts', seconds: 3 },
          { name: 'sim-server.ts', seconds: 2 },
          { name: 'sim-server.ts', seconds: 0.5 },
        ],
      },
      2,
    );
    expect(cpu.byProcess).toEqual([
      { process: 'stack process', ms: 6 },
      { process: 'emulators', ms: 7 },
      { process: 'events worker', ms: 3 },
      { process: 'simulator', ms: 2.5 },
    ]);
    expect(cpu.totalMs).toBeCloseTo(18.5);
    // 18.5 CPU seconds over 10 s of wall time on 2 cores.
    expect(cpu.shareOfCores).toBeCloseTo(0.925);
  });

  it('keeps a child it has no name for under its entry module', () => {
    const cpu = cpuPerOrder(
      {
        orders: 10,
        wallSeconds: 1,
        cpuSeconds: 0,
        childCpu: [
          { name: 'other.ts', seconds: 0.1 },
          { name: '/work/node_modules/@esbuild/linux-x64/bin/esbuild', seconds: 0.1 },
        ],
      },
      2,
    );
    expect(cpu.byProcess.map((part) => part.process)).toEqual(['stack process', 'other.ts', 'esbuild (tsx)']);
  });
});
