import { basename } from 'node:path';
import { median, quantile } from './stats.js';

/**
 * What bench/aliases.ts computes, apart from its I/O: infra/bundling.ts's aliases grouped into bundling tricks
 * (one shim each), and what a trick saves at cold init from samples taken in the same rounds.
 */

/** The rule a bundling trick is kept by: it saves at least this much of every cold init it is meant for. */
export const KEEP_TRICK_MS = 10;

/** One bundling trick: a shim, and every import it replaces (`node:http` and `http` are one trick). */
export interface Trick {
  /** The shim's file name without extension: `node-http`. */
  name: string;
  imports: string[];
}

/** The aliases grouped by the shim they point to, in the order first met. */
export function tricksOf(aliases: Readonly<Record<string, string>>): Trick[] {
  const byShim = new Map<string, string[]>();
  for (const [from, to] of Object.entries(aliases)) {
    const name = basename(to).replace(/\.[cm]?[jt]s$/, '');
    byShim.set(name, [...(byShim.get(name) ?? []), from]);
  }
  return [...byShim].map(([name, imports]) => ({ name, imports }));
}

/** The aliases without one trick's imports: a bundle that does without that trick alone. */
export function withoutTrick(
  aliases: Readonly<Record<string, string>>,
  trick: Pick<Trick, 'imports'>,
): Record<string, string> {
  return Object.fromEntries(Object.entries(aliases).filter(([from]) => !trick.imports.includes(from)));
}

export interface Saving {
  /** Median of the per-round differences (without the trick − with it), in ms: what the trick saves. */
  medianMs: number;
  /** Their 25th and 75th percentiles: how far the rounds agree. */
  p25Ms: number;
  p75Ms: number;
  rounds: number;
}

/**
 * What a trick saves, from two sample lists taken in the same rounds (index i of each is round i): each
 * round's difference cancels the drift both bundles saw in it, which a difference of medians would not.
 */
export function pairedSaving(withTrick: readonly number[], without: readonly number[]): Saving {
  if (withTrick.length !== without.length) {
    throw new Error(`samples from different rounds: ${withTrick.length} and ${without.length}`);
  }
  const differences = without.map((ms, round) => ms - (withTrick[round] as number));
  return {
    medianMs: median(differences),
    p25Ms: quantile(differences, 0.25),
    p75Ms: quantile(differences, 0.75),
    rounds: differences.length,
  };
}

/** Whether a trick earns its place by the rule (a median saving of at least KEEP_TRICK_MS). */
export function keeps(saving: Pick<Saving, 'medianMs'>): boolean {
  return saving.medianMs >= KEEP_TRICK_MS;
}
