import { execFileSync } from 'node:child_process';
import { type Bundle, bundleAll, REFERENCE } from './bundle.js';
import { type ColdInit, importsWithEmptyEnv, measureColdInit } from './cold-init.js';
import { bundleLayers } from './layers.js';
import { quantile } from './stats.js';
import { fmtKb, fmtMs, fmtRatio, type PartResult, type TargetCheck } from './table.js';

export const BUNDLE_LIMIT_BYTES = 600 * 1024;
export const COLD_INIT_TARGET = 1.5;

export interface BundlePartOptions {
  runs: number;
  /** Another node binary to measure cold init with (plain, after the other passes): Node 22, as in Lambda. */
  node?: string;
  progress: (line: string) => void;
}

/** Each bundle's median and its ratio to the reference's median, from one set of interleaved rounds. */
interface ColdInitFigures {
  medianMs: number;
  ratio: number;
  /**
   * The same ratio between 25th percentiles. This machine's noise is bimodal (a fast and a slow mode for the
   * same file), and a median of a few dozen runs moves with the share of slow runs; the lower quartile stays
   * in the fast mode.
   */
  quietRatio: number;
}

/** The reference measured a second time under another name: how far apart two identical bundles come out. */
const CONTROL = 'reference-control';

function figures(results: readonly ColdInit[]): Map<string, ColdInitFigures> {
  const reference = results.find((result) => result.name === REFERENCE);
  const referenceMedian = reference?.medianMs ?? Number.NaN;
  const referenceQuiet = quantile(reference?.samplesMs ?? [], 0.25);
  return new Map(
    results.map((result) => [
      result.name,
      {
        medianMs: result.medianMs,
        ratio: result.medianMs / referenceMedian,
        quietRatio: quantile(result.samplesMs, 0.25) / referenceQuiet,
      },
    ]),
  );
}

function worstRatio(
  functions: readonly Bundle[],
  results: Map<string, ColdInitFigures>,
  figure: 'ratio' | 'quietRatio' = 'ratio',
) {
  return functions
    .map((bundle) => ({ name: bundle.name, ratio: results.get(bundle.name)?.[figure] ?? Number.NaN }))
    .reduce((a, b) => (b.ratio > a.ratio ? b : a));
}

/**
 * Part 1: bundle size of every function (as CDK builds it), and cold init of each bundle beside the reference
 * handler in fresh Node processes: with the node running the bench, and with `options.node` if given.
 */
export async function runBundlePart(options: BundlePartOptions): Promise<PartResult> {
  const started = performance.now();
  const [bundles, layers] = await Promise.all([bundleAll(), bundleLayers()]);
  options.progress(
    `bundle: esbuild, ${bundles.length} entry points (the functions and the reference) and ${layers.length} layers`,
  );
  const emptyEnvFailures = await importsWithEmptyEnv(bundles);
  const progress = (label: string) => (done: number, total: number) => {
    if (done % 26 === 0 || done === total) options.progress(`cold init${label}: ${done}/${total} processes`);
  };
  // The layers run in the same shuffled rounds as the functions, so their figures compare directly.
  const reference = bundles.find((bundle) => bundle.name === REFERENCE) as Bundle;
  const control = { name: CONTROL, file: reference.file };
  const plain = figures(
    await measureColdInit([...bundles, control, ...layers], {
      runs: options.runs,
      onProgress: progress(''),
    }),
  );
  const otherNode = options.node
    ? {
        version: execFileSync(options.node, ['--version'], { encoding: 'utf8' }).trim(),
        figures: figures(
          await measureColdInit(bundles, {
            runs: options.runs,
            nodePath: options.node,
            onProgress: progress(' (--node)'),
          }),
        ),
      }
    : undefined;
  const refPlain = plain.get(REFERENCE)?.medianMs ?? Number.NaN;
  const functions = bundles.filter((bundle) => bundle.name !== REFERENCE);
  const controlFigures = plain.get(CONTROL);

  const rows = bundles.map((bundle) => {
    const p = plain.get(bundle.name);
    return [
      bundle.name === REFERENCE ? 'reference (imports @aws-sdk/client-sqs only)' : bundle.name,
      fmtKb(bundle.bytes),
      fmtKb(bundle.mapBytes),
      fmtMs(p?.medianMs ?? Number.NaN, 1),
      fmtRatio(p?.ratio ?? Number.NaN),
      fmtRatio(p?.quietRatio ?? Number.NaN),
      ...(otherNode
        ? [
            fmtMs(otherNode.figures.get(bundle.name)?.medianMs ?? Number.NaN, 1),
            fmtRatio(otherNode.figures.get(bundle.name)?.ratio ?? Number.NaN),
          ]
        : []),
      bundle.heaviest.map((input) => `${input.input} ${Math.round(input.bytes / 1024)}`).join(', '),
    ];
  });

  const largest = functions.reduce((a, b) => (b.bytes > a.bytes ? b : a));
  const over = functions.filter((bundle) => bundle.bytes > BUNDLE_LIMIT_BYTES);
  const worstPlain = worstRatio(functions, plain);
  const worstQuiet = worstRatio(functions, plain, 'quietRatio');
  const targets: TargetCheck[] = [
    {
      target: 'bundle ≤ 600 KB, every function',
      measured: `largest ${largest.name} ${fmtKb(largest.bytes)}${over.length ? `; over: ${over.map((b) => b.name).join(', ')}` : ''}`,
      pass: over.length === 0,
    },
    {
      target: `cold init ≤ ${COLD_INIT_TARGET}× reference`,
      measured: `worst ${worstPlain.name} ${fmtRatio(worstPlain.ratio)} (reference ${fmtMs(refPlain, 1)}; control ${fmtRatio(controlFigures?.ratio ?? Number.NaN)}); by 25th percentiles worst ${worstQuiet.name} ${fmtRatio(worstQuiet.ratio)}`,
      pass: worstPlain.ratio <= COLD_INIT_TARGET,
    },
  ];
  if (otherNode) {
    const worst = worstRatio(functions, otherNode.figures);
    const worstQuiet = worstRatio(functions, otherNode.figures, 'quietRatio');
    targets.push({
      target: `cold init ≤ ${COLD_INIT_TARGET}× reference, both on node ${otherNode.version} (--node)`,
      measured: `worst ${worst.name} ${fmtRatio(worst.ratio)} (reference ${fmtMs(otherNode.figures.get(REFERENCE)?.medianMs ?? Number.NaN, 1)}); by 25th percentiles worst ${worstQuiet.name} ${fmtRatio(worstQuiet.ratio)}`,
      pass: worst.ratio <= COLD_INIT_TARGET,
    });
  }
  targets.push({
    target: 'every bundle imports with an empty environment (nothing read or done at import)',
    measured: emptyEnvFailures.length
      ? `fails: ${emptyEnvFailures.join(', ')}`
      : `all ${bundles.length - 1} functions`,
    pass: emptyEnvFailures.length === 0,
  });

  let previous: number | undefined;
  const layerRows = layers.map((layer) => {
    const { medianMs: ms = Number.NaN, ratio = Number.NaN } = plain.get(layer.name) ?? {};
    const step = previous === undefined ? '' : `${ms - previous >= 0 ? '+' : ''}${fmtMs(ms - previous, 1)}`;
    previous = ms;
    return [layer.adds, fmtKb(layer.bytes), fmtMs(ms, 1), step, fmtRatio(ratio)];
  });

  return {
    part: 'bundle',
    seconds: (performance.now() - started) / 1000,
    tables: [
      {
        title: '1. Bundle size and cold init',
        columns: [
          'bundle',
          '.mjs',
          '.map',
          'cold init',
          '× ref',
          '× ref, p25',
          ...(otherNode ? [`cold init, node ${otherNode.version}`, '× ref'] : []),
          'heaviest inputs (KB)',
        ],
        rows,
        notes: [
          "Size: esbuild 0.28 JS API as CDK's NodejsFunction runs it here: bundle, platform node, target node22, format esm, minify, sourcemap without sourcesContent (separate .map, not counted), mainFields ['module','main'], the createRequire banner and the aliases of infra/bundling.ts (`node:stream/web`, `node:http`, `node:https`), no externals (AWS SDK bundled). KB = 1024 bytes.",
          `Cold init: median of ${options.runs} fresh \`node\` processes per bundle; time = performance.now() around \`await import(bundle)\` inside the child. Every round runs all ${bundles.length} bundles, the control and the ${layers.length} layered ones of table 1b in a shuffled order (reference interleaved). Environment: the variables infra gives the functions, placeholder values.`,
          `'× ref': the bundle's median over the reference's, both from the same rounds (the target's figure). '× ref, p25': the same between 25th percentiles, a check on the noise: the noise here is bimodal, and the lower quartile stays in its fast mode. Control: the reference file measured a second time in every round, as if it were one more bundle: ${fmtRatio(controlFigures?.ratio ?? Number.NaN)} by medians, ${fmtRatio(controlFigures?.quietRatio ?? Number.NaN)} by 25th percentiles; how far from 1.00× two identical bundles land in this run.`,
          ...(otherNode
            ? [
                `'node ${otherNode.version}': the same bundles in ${options.runs} more rounds, each child run by \`${options.node}\` (--node); '× ref' divides by the reference's median on that node.`,
              ]
            : []),
          `Reference: bench/reference/handler.ts imports SQSClient from @aws-sdk/client-sqs and constructs nothing (${fmtKb(reference.bytes)}). Node ${process.version} here; Lambda runs nodejs22.x.`,
        ],
      },
      {
        title: '1b. Where the init time beyond the reference goes: layered bundles',
        columns: ['layer (each includes the ones above)', '.mjs', 'cold init', 'step', '× ref'],
        rows: layerRows,
        notes: [
          "bench/layers.ts: handlers that import a growing part of the functions' imports (re-exported, so nothing is tree-shaken away), bundled like the functions and measured in the same rounds as table 1 (median of the same number of fresh processes). A step is the difference of two medians, so steps of a few ms are within the noise; layer 3 is about orders-api, layer 5 is activation-api, layer 6 adds what the workers import to reach Transatel. The reference is in table 1.",
        ],
      },
    ],
    targets,
  };
}
