/**
 * What infra/bundling.ts's aliases (today the shim of `node:http`) save at cold
 * init: every function bundled as deployed and again without the aliases (with `--each`, also without one
 * trick at a time), all imported by fresh `node` processes in the same shuffled rounds, and each trick's saving
 * taken as the median of the per-round differences. The rule: a bundling trick stays only if it saves at
 * least 10 ms of cold init on Node 22, the functions' runtime, so give `--node` a Node 22 binary
 * (docs/performance.md says where one comes from). Not part of `npm run bench`.
 * Usage: `npx tsx bench/aliases.ts --node /tmp/node22/package/bin/node [--runs N] [--only a,b] [--each]
 * [--out FILE]`.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { BUNDLE_ALIASES } from '../infra/bundling.js';
import { type FunctionName, functions } from '../shared/topology.js';
import { KEEP_TRICK_MS, keeps, pairedSaving, type Saving, tricksOf, withoutTrick } from './alias-savings.js';
import { type Bundle, bundleAll, REFERENCE } from './bundle.js';
import { measureColdInit } from './cold-init.js';
import { outRoot, projectRoot } from './paths.js';
import { median } from './stats.js';
import { fmtKb, fmtMs, renderTable, type Table } from './table.js';

const { values } = parseArgs({
  options: {
    node: { type: 'string' },
    runs: { type: 'string', default: '21' },
    only: { type: 'string' },
    each: { type: 'boolean', default: false },
    out: { type: 'string' },
  },
});
const only = values.only?.split(',').map((name) => {
  if (!(name in functions)) throw new Error(`--only: no function named '${name}'`);
  return name as FunctionName;
});
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 3)
  throw new Error(`--runs must be a whole number ≥ 3, got '${values.runs}'`);
const nodePath = values.node ?? process.execPath;
const version = execFileSync(nodePath, ['--version'], { encoding: 'utf8' }).trim();

interface Variant {
  /** `as deployed`, `no aliases`, `without node-http`... */
  name: string;
  aliases: Record<string, string>;
}
const AS_DEPLOYED = 'as deployed';
const NONE = 'no aliases';
const tricks = tricksOf(BUNDLE_ALIASES);
const variants: Variant[] = [
  { name: AS_DEPLOYED, aliases: { ...BUNDLE_ALIASES } },
  { name: NONE, aliases: {} },
  ...(values.each
    ? tricks.map((trick) => ({ name: `without ${trick.name}`, aliases: withoutTrick(BUNDLE_ALIASES, trick) }))
    : []),
];

const root = resolve(outRoot, 'aliases');
const built = new Map<string, Bundle[]>();
for (const variant of variants) {
  const dir = resolve(root, variant.name.replaceAll(' ', '-'));
  built.set(variant.name, await bundleAll(dir, { ...(only ? { only } : {}), aliases: variant.aliases }));
}
const names = (built.get(AS_DEPLOYED) ?? []).map((bundle) => bundle.name);
const key = (variant: string, name: string) => `${name} | ${variant}`;
const measured = variants.flatMap((variant) =>
  (built.get(variant.name) ?? []).map((bundle) => ({
    name: key(variant.name, bundle.name),
    file: bundle.file,
  })),
);
process.stderr.write(
  `aliases: ${measured.length} bundles (${variants.map((v) => v.name).join(', ')}) × ${runs} rounds on node ${version}\n`,
);
const samples = new Map(
  (
    await measureColdInit(measured, {
      runs,
      nodePath,
      onProgress: (done, total) => {
        if (done % 100 === 0 || done === total) process.stderr.write(`aliases: ${done}/${total} processes\n`);
      },
    })
  ).map((result) => [result.name, result.samplesMs]),
);
const samplesOf = (variant: string, name: string) => samples.get(key(variant, name)) ?? [];
const savingOf = (variant: string, name: string): Saving =>
  pairedSaving(samplesOf(AS_DEPLOYED, name), samplesOf(variant, name));
const bytesOf = (variant: string, name: string) =>
  built.get(variant)?.find((bundle) => bundle.name === name)?.bytes ?? Number.NaN;

const fmtSaving = (saving: Saving) =>
  `${fmtMs(saving.medianMs, 1)} (${fmtMs(saving.p25Ms, 1)} to ${fmtMs(saving.p75Ms, 1)})`;
const others = variants.filter((variant) => variant.name !== AS_DEPLOYED);
/** What a variant does without: all the aliases, or one trick. */
const trickLabel = (variant: Variant) =>
  variant.name === NONE ? 'all aliases' : variant.name.replace(/^without /, '');

const table: Table = {
  title: `Cold init with and without infra/bundling.ts's aliases, node ${version}`,
  columns: [
    'bundle',
    '.mjs as deployed',
    '.mjs, no aliases',
    'cold init as deployed',
    'cold init, no aliases',
    ...others.map((variant) => `saved by ${trickLabel(variant)}`),
    `all aliases ≥ ${KEEP_TRICK_MS} ms?`,
  ],
  rows: names.map((name) => [
    name === REFERENCE ? 'reference (bench/reference/handler.ts)' : name,
    fmtKb(bytesOf(AS_DEPLOYED, name)),
    fmtKb(bytesOf(NONE, name)),
    fmtMs(median(samplesOf(AS_DEPLOYED, name)), 1),
    fmtMs(median(samplesOf(NONE, name)), 1),
    ...others.map((variant) => fmtSaving(savingOf(variant.name, name))),
    keeps(savingOf(NONE, name)) ? 'yes' : 'no',
  ]),
  notes: [
    `Each bundle built as bench/bundle.ts builds the functions (CDK's settings), once as deployed (aliases ${Object.keys(BUNDLE_ALIASES).join(', ')}) and once with none${values.each ? `, and once without each trick alone (${tricks.map((trick) => `${trick.name}: ${trick.imports.join(', ')}`).join('; ')})` : ''}. Cold init: median of ${runs} fresh \`${nodePath}\` processes importing the bundle, every variant of every bundle in each round in a shuffled order. Saved by X: the median over the rounds of (cold init without X − cold init as deployed), the 25th and 75th percentiles of those differences in brackets; positive = the aliases make cold init shorter.`,
    `The rule: a bundling trick stays only if it saves ≥ ${KEEP_TRICK_MS} ms of cold init on Node 22 (Lambda's nodejs22.x).${/^v22\./.test(version) ? '' : ` These rounds ran ${version}, not Node 22: give --node a Node 22 binary for figures the rule can use.`}`,
  ],
};

const functionNames = names.filter((name) => name !== REFERENCE);
const summary: Table = {
  title: `Per trick: what it saves over the ${functionNames.length} functions, node ${version}`,
  columns: ['trick', 'median saving over the functions', 'largest', `functions saving ≥ ${KEEP_TRICK_MS} ms`],
  rows: others.map((variant) => {
    const savings = functionNames.map((name) => ({ name, saving: savingOf(variant.name, name) }));
    const largest = savings.reduce((a, b) => (b.saving.medianMs > a.saving.medianMs ? b : a));
    const kept = savings.filter(({ saving }) => keeps(saving)).map(({ name }) => name);
    return [
      trickLabel(variant),
      fmtMs(median(savings.map(({ saving }) => saving.medianMs)), 1),
      `${largest.name} ${fmtMs(largest.saving.medianMs, 1)}`,
      `${kept.length} of ${functionNames.length}${kept.length ? `: ${kept.join(', ')}` : ''}`,
    ];
  }),
};

const report = `Command: \`npx tsx bench/aliases.ts ${process.argv.slice(2).join(' ')}\` (${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC)\n\n${renderTable(table)}\n\n${renderTable(summary)}\n`;
process.stdout.write(report);
if (values.out) {
  const out = resolve(projectRoot, values.out);
  await mkdir(dirname(out), { recursive: true });
  await writeFile(out, report);
}
