import { describe, it } from 'vitest';
import { checkReliability, RUN_TIMEOUT_MS } from './check.js';

/** Simulator variant test-mode: an account in IoT test mode: activated SIMs go to TestMode. */
describe('reliability under injected faults (CI size), simulator variant test-mode', () => {
  it(
    '120 orders: none lost, none stuck, no plan subscribed twice',
    () => checkReliability('test-mode', 120),
    RUN_TIMEOUT_MS,
  );
});
