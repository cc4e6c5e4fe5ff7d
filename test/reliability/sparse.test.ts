import { describe, it } from 'vitest';
import { checkReliability, RUN_TIMEOUT_MS } from './check.js';

/** Simulator variant sparse: every optional or inferred field absent, write answers with an empty body. */
describe('reliability under injected faults (CI size), simulator variant sparse', () => {
  it(
    '120 orders: none lost, none stuck, no plan subscribed twice',
    () => checkReliability('sparse', 120),
    RUN_TIMEOUT_MS,
  );
});
