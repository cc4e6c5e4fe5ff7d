import { describe, expect, it } from 'vitest';
import { TokenStore } from '#local/simulator/auth.js';

// The token endpoint and bearer checks over HTTP: test/integration/simulator/auth.test.ts.

describe('TokenStore expiry', () => {
  it('rejects a token once its lifetime has passed', () => {
    const store = new TokenStore();
    const token = store.issue(60, 1_000_000);
    expect(store.isValid(token, 1_000_000 + 59_999)).toBe(true);
    expect(store.isValid(token, 1_000_000 + 60_000)).toBe(false);
  });
});
