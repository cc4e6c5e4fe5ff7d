import { describe, expect, it } from 'vitest';
import { Counters } from '#local/simulator/counters.js';
import { FaultEngine } from '#local/simulator/faults.js';
import { Scheduler } from '#local/simulator/scheduler.js';

function engine(seed: number): FaultEngine {
  const faults = new FaultEngine(seed, new Counters(), new Scheduler(() => {}));
  faults.set({ routes: { '*': { errorRate: 0.1, throttleRate: 0.05, loseResponseRate: 0.02 } } });
  return faults;
}

/** Which of `writes` committed writes lose their response, with `readsBetween` reads before each. */
async function losses(faults: FaultEngine, writes: number, readsBetween: number): Promise<number[]> {
  const lost: number[] = [];
  for (let n = 0; n < writes; n++) {
    for (let r = 0; r < readsBetween; r++) await faults.preflight('getSubscriber');
    if (faults.loseResponse('activate')) lost.push(n);
  }
  return lost;
}

describe('simulator fault dice', () => {
  it('the n-th committed write meets the same lose-response die whatever reads came between', async () => {
    const alone = await losses(engine(42), 300, 0);
    const amidReads = await losses(engine(42), 300, 3);
    expect(alone.length).toBeGreaterThan(0);
    expect(amidReads).toEqual(alone);
    expect(await losses(engine(7), 300, 0)).not.toEqual(alone);
  });

  it('reset starts every stream again', async () => {
    const faults = engine(42);
    const first = await losses(faults, 200, 1);
    faults.reset();
    faults.set({ routes: { '*': { errorRate: 0.1, throttleRate: 0.05, loseResponseRate: 0.02 } } });
    expect(await losses(faults, 200, 1)).toEqual(first);
  });

  it('reads never draw a lose-response die', async () => {
    const faults = engine(42);
    for (let n = 0; n < 500; n++) expect(faults.loseResponse('getSubscriber')).toBe(false);
    expect(await losses(faults, 300, 0)).toEqual(await losses(engine(42), 300, 0));
  });
});
