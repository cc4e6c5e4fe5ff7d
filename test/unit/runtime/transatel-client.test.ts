import { afterEach, describe, expect, it } from 'vitest';
import { transatelHttpAt } from '#shared/wiring/clients/transatel.js';

/** The policy sweep keeps to its own share of the rate limit: an HTTP layer of its own, paced at its rate. */
describe('transatelHttpAt', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it('builds an HTTP layer paced at the rate given, whatever the container pacing (TRANSATEL_MAX_RPS)', () => {
    process.env.TRANSATEL_BASE_URL = 'http://127.0.0.1:9';
    process.env.TRANSATEL_MVNO_REF = 'M2MA_WW_TSL_TEST';
    process.env.TRANSATEL_MAX_RPS = '40';
    const sweep = transatelHttpAt(8);
    expect(sweep.settings.maxRequestsPerSecond).toBe(8);
    expect(transatelHttpAt(undefined).settings.maxRequestsPerSecond).toBeUndefined();
    // Each is its own: its own token and pacer, not the container's.
    expect(transatelHttpAt(8)).not.toBe(sweep);
  });
});
