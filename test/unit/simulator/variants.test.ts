import { describe, expect, it } from 'vitest';
import {
  SIMULATOR_VARIANTS,
  type SimulatorVariant,
  startSimulator,
  variantDescriptions,
} from '#local/simulator/index.js';

// Each variant served over HTTP: test/integration/simulator/variants.test.ts.

describe('variant names and descriptions', () => {
  it('describes every variant', () => {
    expect([...SIMULATOR_VARIANTS]).toEqual(['documented', 'sparse', 'alternate', 'test-mode']);
    for (const name of SIMULATOR_VARIANTS) expect(variantDescriptions[name].length).toBeGreaterThan(0);
  });

  it('refuses an unknown variant option', async () => {
    await expect(startSimulator({ port: 0, variant: 'loose' as SimulatorVariant })).rejects.toThrow(
      /variant/,
    );
  });
});
