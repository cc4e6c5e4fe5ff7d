import { execFileSync } from 'node:child_process';
import { type Bundle, bundleAll, REFERENCE } from './bundle.js';
import { type ColdInit, importsWithEmptyEnv, measureColdInit } from './cold-init.js';
import { bundleLayers } from './layers.js';
import { quantile } from './stats.js';
import { fmtKb, fmtMs, fmtRatio, type PartResult, type TargetCheck } from './table.js';

/** Every function's cold init at most this many times the reference's, on Node 22 (Lambda's nodejs22.x). */
export const COLD_INIT_TARGET = 1.3;
/** The runtime the functions run on in AWS (infra: Runtime.NODEJS_22_X): the major version the target is on. */
export const LAMBDA_NODE_MAJOR = 22;
export const REFERENCE_LABEL =
  'reference (conventional handler: SDK SQS and DynamoDB document clients, Powertools logger, middy, zod)';

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

/** One set of interleaved rounds with one node binary: the functions, the reference, its control, the layers. */
interface Pass {
  /** `v22.23.3` */
  version: string;
  /** How the table names it: the bench's own node, or `--node`. */
  how: 'this machine' | '--node';
  figures: Map<string, ColdInitFigures>;
}

const major = (version: string) => Number(/^v(\d+)/.exec(version)?.[1] ?? Number.NaN);

/** The rounds that run Lambda's Node major, `--node`'s first: the ones the cold-init target is checked on. */
export function targetPass<P extends Pick<Pass, 'version' | 'how'>>(passes: readonly P[]): P | undefined {
  return [...passes]
    .sort((a, b) => (a.how === b.how ? 0 : a.how === '--node' ? -1 : 1))
    .find((pass) => major(pass.version) === LAMBDA_NODE_MAJOR);
}

/** The size target: no function's bundle larger than the reference's. */
export function largerThanReference(bundles: readonly Pick<Bundle, 'name' | 'bytes'>[]): {
  largest: Pick<Bundle, 'name' | 'bytes'>;
  over: string[];
  reference: number;
} {
  const reference = bundles.find((bundle) => bundle.name === REFERENCE);
  if (!reference) throw new Error('no reference bundle');
  const functions = bundles.filter((bundle) => bundle.name !== REFERENCE);
  const largest = functions.reduce((a, b) => (b.bytes > a.bytes ? b : a));
  return {
    largest,
    over: functions.filter((bundle) => bundle.bytes > reference.bytes).map((bundle) => bundle.name),
    reference: reference.bytes,
  };
}

function coldInitTarget(pass: Pass | undefined, passes: readonly Pass[], functions: readonly Bundle[]) {
  const target = `cold init ≤ ${COLD_INIT_TARGET}× the reference on Node ${LAMBDA_NODE_MAJOR} (Lambda's runtime), every function`;
  if (!pass) {
    const ran = passes.map((each) => `${each.version} (${each.how})`).join(', ');
    return {
      target,
      measured: `not measured: the rounds ran ${ran}; give --node a Node ${LAMBDA_NODE_MAJOR} binary (docs/performance.md)`,
      pass: 'not measured' as const,
    };
  }
  const worst = worstRatio(functions, pass.figures);
  const worstQuiet = worstRatio(functions, pass.figures, 'quietRatio');
  const reference = pass.figures.get(REFERENCE)?.medianMs ?? Number.NaN;
  const control = pass.figures.get(CONTROL)?.ratio ?? Number.NaN;
  return {
    target,
    measured: `worst ${worst.name} ${fmtRatio(worst.ratio)} on ${pass.version} (reference ${fmtMs(reference, 1)}; control ${fmtRatio(control)}); by 25th percentiles worst ${worstQuiet.name} ${fmtRatio(worstQuiet.ratio)}`,
    pass: worst.ratio <= COLD_INIT_TARGET,
  };
}

/**
 * Part 1: bundle size of every function (as CDK builds it), and cold init of each bundle beside the reference
 * handler in fresh Node processes: with the node running the bench, and with `options.node` if given. The
 * target is checked on the rounds that ran Node 22, the functions' runtime; the others are reported.
 */
export async function runBundlePart(options: BundlePartOptions): Promise<PartResult> {
  const started = performance.now();
  const [bundles, layers] = await Promise.all([bundleAll(), bundleLayers()]);
  options.progress(
    `bundle: esbuild, ${bundles.length} entry points (the functions and the reference) and ${layers.length} layers`,
  );
  const reference = bundles.find((bundle) => bundle.name === REFERENCE) as Bundle;
  const functions = bundles.filter((bundle) => bundle.name !== REFERENCE);
  const emptyEnvFailures = await importsWithEmptyEnv(functions);
  const progress = (label: string) => (done: number, total: number) => {
    if (done % 26 === 0 || done === total) options.progress(`cold init${label}: ${done}/${total} processes`);
  };
  // The control and the layers run in the same shuffled rounds as the functions, so their figures compare
  // directly; each node binary gets its own rounds.
  const measured = [...bundles, { name: CONTROL, file: reference.file }, ...layers];
  const passes: Pass[] = [
    {
      version: process.version,
      how: 'this machine',
      figures: figures(await measureColdInit(measured, { runs: options.runs, onProgress: progress('') })),
    },
  ];
  if (options.node) {
    passes.push({
      version: execFileSync(options.node, ['--version'], { encoding: 'utf8' }).trim(),
      how: '--node',
      figures: figures(
        await measureColdInit(measured, {
          runs: options.runs,
          nodePath: options.node,
          onProgress: progress(' (--node)'),
        }),
      ),
    });
  }
  const onTarget = targetPass(passes);
  const cell = (pass: Pass, name: string, figure: keyof ColdInitFigures) =>
    pass.figures.get(name)?.[figure] ?? Number.NaN;

  const rows = bundles.map((bundle) => [
    bundle.name === REFERENCE ? REFERENCE_LABEL : bundle.name,
    fmtKb(bundle.bytes),
    fmtKb(bundle.mapBytes),
    ...passes.flatMap((pass) => [
      fmtMs(cell(pass, bundle.name, 'medianMs'), 1),
      fmtRatio(cell(pass, bundle.name, 'ratio')),
      fmtRatio(cell(pass, bundle.name, 'quietRatio')),
    ]),
    bundle.heaviest.map((input) => `${input.input} ${Math.round(input.bytes / 1024)}`).join(', '),
  ]);

  const size = largerThanReference(bundles);
  const targets: TargetCheck[] = [
    {
      target: "no function's bundle larger than the reference's",
      measured: `largest ${size.largest.name} ${fmtKb(size.largest.bytes)}, reference ${fmtKb(size.reference)}${size.over.length ? `; larger: ${size.over.join(', ')}` : ''}`,
      pass: size.over.length === 0,
    },
    coldInitTarget(onTarget, passes, functions),
    ...passes
      .filter((pass) => pass !== onTarget)
      .map((pass) => {
        const worst = worstRatio(functions, pass.figures);
        const worstQuiet = worstRatio(functions, pass.figures, 'quietRatio');
        return {
          target: `cold init × the reference on ${pass.version} (${pass.how}; reported, no target)`,
          measured: `worst ${worst.name} ${fmtRatio(worst.ratio)} (reference ${fmtMs(cell(pass, REFERENCE, 'medianMs'), 1)}; control ${fmtRatio(cell(pass, CONTROL, 'ratio'))}); by 25th percentiles worst ${worstQuiet.name} ${fmtRatio(worstQuiet.ratio)}`,
          pass: undefined,
        };
      }),
    {
      target: 'every bundle imports with an empty environment (nothing read or done at import)',
      measured: emptyEnvFailures.length
        ? `fails: ${emptyEnvFailures.join(', ')}`
        : `all ${functions.length} functions`,
      pass: emptyEnvFailures.length === 0,
    },
  ];

  const layerRows = layers.map((layer, index) => {
    const before = layers[index - 1];
    return [
      layer.adds,
      fmtKb(layer.bytes),
      ...passes.flatMap((pass) => {
        const ms = cell(pass, layer.name, 'medianMs');
        const step = before ? ms - cell(pass, before.name, 'medianMs') : undefined;
        return [
          fmtMs(ms, 1),
          step === undefined ? '' : `${step >= 0 ? '+' : ''}${fmtMs(step, 1)}`,
          fmtRatio(cell(pass, layer.name, 'ratio')),
        ];
      }),
    ];
  });
  const onNode = (pass: Pass) => `, ${pass.version}`;

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
          ...passes.flatMap((pass) => [`cold init${onNode(pass)}`, '× ref', '× ref, p25']),
          'heaviest inputs (KB)',
        ],
        rows,
        notes: [
          "Size: esbuild 0.28 JS API as CDK's NodejsFunction runs it here: bundle, platform node, target node22, format esm, minify, sourcemap without sourcesContent (separate .map, not counted), mainFields ['module','main'], the createRequire banner and the alias of infra/bundling.ts (`node:http`, `http`), no externals (AWS SDK bundled). KB = 1024 bytes.",
          `Cold init: median of ${options.runs} fresh \`node\` processes per bundle; time = performance.now() around \`await import(bundle)\` inside the child. Every round runs all ${bundles.length} bundles, the control and the ${layers.length} layered ones of table 1b in a shuffled order (reference interleaved). Environment: the variables infra gives the functions, placeholder values.`,
          `'× ref': the bundle's median over the reference's, both from the same rounds (the target's figure). '× ref, p25': the same between 25th percentiles, a check on the noise: the noise here is bimodal, and the lower quartile stays in its fast mode. Control: the reference file measured a second time in every round, as if it were one more bundle: ${passes.map((pass) => `${fmtRatio(cell(pass, CONTROL, 'ratio'))} by medians, ${fmtRatio(cell(pass, CONTROL, 'quietRatio'))} by 25th percentiles on ${pass.version}`).join('; ')}: how far from 1.00× two identical bundles land in this run.`,
          ...(options.node
            ? [
                `'${passes[1]?.version ?? ''}': the same bundles in ${options.runs} more rounds, each child run by \`${options.node}\` (--node); '× ref' divides by the reference's median on that node.`,
              ]
            : []),
          `Reference: bench/reference/handler.ts, what a conventional Lambda of this kind imports and builds at init: an SQSClient, a DynamoDBDocumentClient over a DynamoDBClient, a Powertools Logger, a middy-wrapped handler that parses its input with a zod schema; no call made at init (${fmtKb(reference.bytes)}). The targets: no function's bundle larger than it, and every function's cold init at most ${COLD_INIT_TARGET}× its own, on Node ${LAMBDA_NODE_MAJOR} (Lambda runs nodejs22.x; ${onTarget ? `here the rounds on ${onTarget.version}, ${onTarget.how}` : 'not measured in this run: --node not given a Node 22 binary'}). Node ${process.version} runs the bench.`,
        ],
      },
      {
        title: '1b. Where the init time goes: layered bundles',
        columns: [
          'layer (each includes the ones above)',
          '.mjs',
          ...passes.flatMap((pass) => [`cold init${onNode(pass)}`, 'step', '× ref']),
        ],
        rows: layerRows,
        notes: [
          "bench/layers.ts: handlers that import a growing part of the functions' imports (re-exported, so nothing is tree-shaken away; nothing constructed), bundled like the functions and measured in the same rounds as table 1 (median of the same number of fresh processes). A step is the difference of two medians, so steps of a few ms are within the noise; layers 1 and 2 are the AWS SDK's DynamoDB document client and SQS client, layer 3 is about orders-api, layer 5 is activation-api, layer 6 adds what the workers import to reach Transatel. The reference is in table 1.",
        ],
      },
    ],
    targets,
  };
}
