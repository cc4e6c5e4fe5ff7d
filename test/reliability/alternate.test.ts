import { describe, it } from 'vitest';
import { checkReliability, RUN_TIMEOUT_MS } from './check.js';

/** Simulator variant alternate: the other shapes seen in the wild: letter cases, bare-hex signatures, 200s, pages. */
describe('reliability under injected faults (CI size), simulator variant alternate', () => {
  it(
    '120 orders: none lost, none stuck, no plan subscribed twice',
    () => checkReliability('alternate', 120),
    RUN_TIMEOUT_MS,
  );
});
