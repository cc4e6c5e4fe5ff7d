import {
  type AwsFaultKind,
  type AwsFaultRates,
  type AwsService,
  awsFaultDice,
  throwDice,
} from '#local/aws-faults.js';

/**
 * The first seed whose dice, at `rates`, decide exactly `pattern` (a fault kind, or undefined for none) for the
 * first requests of each of `services`: how a test of local/aws-faults.ts picks which call meets which fault.
 */
export function seedFor(
  services: readonly AwsService[],
  rates: AwsFaultRates,
  pattern: readonly (AwsFaultKind | undefined)[],
): number {
  for (let seed = 1; seed < 1_000_000; seed++) {
    const dice = awsFaultDice(seed);
    const matches = services.every((service) =>
      pattern.every((expected) => throwDice(dice[service], rates) === expected),
    );
    if (matches) return seed;
  }
  throw new Error('no seed below 1,000,000 gives that pattern');
}
