import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KEEP_TRICK_MS, keeps, pairedSaving, tricksOf, withoutTrick } from '#bench/alias-savings.js';
import { BUNDLE_ALIASES } from '#infra/bundling.js';

describe('the bundling tricks of infra/bundling.ts', () => {
  it('are one per shim: node:http and http are one trick', () => {
    const tricks = tricksOf(BUNDLE_ALIASES);
    expect(tricks.map((trick) => trick.name).sort()).toEqual(['node-http']);
    expect(tricks.find((trick) => trick.name === 'node-http')?.imports.sort()).toEqual(['http', 'node:http']);
    expect(tricks.flatMap((trick) => trick.imports).sort()).toEqual(Object.keys(BUNDLE_ALIASES).sort());
  });

  it('can be left out one at a time, the others kept', () => {
    const aliases = {
      'node:http': '/s/node-http.ts',
      http: '/s/node-http.ts',
      'node:https': '/s/node-https.ts',
    };
    const [http] = tricksOf(aliases);
    expect(http?.name).toBe('node-http');
    expect(withoutTrick(aliases, http ?? { imports: [] })).toEqual({ 'node:https': '/s/node-https.ts' });
  });
});

describe('what a trick saves', () => {
  it('is the median of the per-round differences, without − with', () => {
    // The machine slows down round after round; each round's pair slows down alike.
    const withTrick = [20, 40, 60, 80, 100];
    const without = [31, 52, 70, 93, 111];
    expect(pairedSaving(withTrick, without)).toEqual({ medianMs: 11, p25Ms: 11, p75Ms: 12, rounds: 5 });
  });

  it('cancels any drift both bundles share in a round (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 500, noNaN: true }), { minLength: 3, maxLength: 40 }),
        fc.double({ min: -50, max: 50, noNaN: true }),
        (drift, saving) => {
          const withTrick = drift.map((ms) => 30 + ms);
          const without = drift.map((ms) => 30 + ms + saving);
          expect(pairedSaving(withTrick, without).medianMs).toBeCloseTo(saving, 6);
        },
      ),
    );
  });

  it('needs samples from the same rounds', () => {
    expect(() => pairedSaving([1, 2, 3], [1, 2])).toThrow('different rounds');
  });

  it(`keeps a trick that saves at least ${KEEP_TRICK_MS} ms`, () => {
    expect(keeps({ medianMs: KEEP_TRICK_MS })).toBe(true);
    expect(keeps({ medianMs: KEEP_TRICK_MS - 0.1 })).toBe(false);
    expect(keeps({ medianMs: -3 })).toBe(false);
  });
});
