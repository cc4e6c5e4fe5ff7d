import { describe, it } from 'vitest';
import { checkReliability, RUN_TIMEOUT_MS } from './check.js';

/** Simulator variant documented: Transatel as its documentation and the integrations seen describe it. */
describe('reliability under injected faults (CI size), simulator variant documented', () => {
  it(
    '200 orders: none lost, none stuck, no plan subscribed twice',
    () => checkReliability('documented', 200),
    RUN_TIMEOUT_MS,
  );
});
