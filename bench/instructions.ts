/**
 * Cold init counted in CPU instructions (valgrind's callgrind) of a fresh `node` importing each bundle of
 * `npm run bench -- bundle`, with the import's minor page faults beside it: a cross-check of table 1 that
 * timing noise does not reach. Not part of `npm run bench`: it is slow and needs valgrind.
 * `--without <package>` also counts the functions with the package replaced by a do-nothing stand-in.
 * Usage: `npx tsx bench/instructions.ts [--repeat N] [--dir <bundles>] [--without <pkg>]... [--only a,b]`.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { type FunctionName, functions } from '../shared/topology.js';
import { forEachAtOnce } from './at-once.js';
import { bundleAll, REFERENCE } from './bundle.js';
import { lambdaLikeEnv } from './cold-init.js';
import { outRoot } from './paths.js';
import { median } from './stats.js';

const run = promisify(execFile);
const { values } = parseArgs({
  options: {
    repeat: { type: 'string', default: '3' },
    dir: { type: 'string' },
    without: { type: 'string', multiple: true },
    only: { type: 'string' },
  },
});
const only = values.only?.split(',').map((name) => {
  if (!(name in functions)) throw new Error(`--only: no function named '${name}'`);
  return name as FunctionName;
});
if (only && !values.without?.length) throw new Error('--only goes with --without');
if (values.dir && values.without?.length) throw new Error('--without builds its own bundles: drop --dir');
const repeat = Math.max(1, Number(values.repeat));

const work = await mkdtemp(join(tmpdir(), 'instructions-'));
const runner = join(work, 'runner.mjs');
const empty = join(work, 'empty.mjs');
await writeFile(runner, 'await import(process.argv[2]);\n');
const faultRunner = join(work, 'faults.mjs');
await writeFile(
  faultRunner,
  'const before = process.resourceUsage().minorPageFault;\nawait import(process.argv[2]);\nprocess.stdout.write(String(process.resourceUsage().minorPageFault - before));\n',
);
await writeFile(empty, 'export const handler = async () => ({});\n');

/** Main-thread instructions of one fresh `node` importing `file` (callgrind writes one file per thread). */
async function instructions(file: string): Promise<number> {
  const dir = await mkdtemp(join(work, 'cg-'));
  await run(
    'valgrind',
    [
      '--tool=callgrind',
      '--separate-threads=yes',
      `--callgrind-out-file=${join(dir, 'cg')}`,
      process.execPath,
      runner,
      pathToFileURL(file).href,
    ],
    { env: lambdaLikeEnv(), maxBuffer: 64 * 1024 * 1024 },
  );
  const main = (await readdir(dir)).find((name) => name.endsWith('-01')) ?? 'cg';
  const summary = /^(?:summary|totals): (\d+)/m.exec(await readFile(join(dir, main), 'utf8'));
  await rm(dir, { recursive: true, force: true });
  if (!summary?.[1]) throw new Error(`no callgrind summary for ${file}`);
  return Number(summary[1]);
}

/** Minor page faults taken during the import alone (no valgrind): memory the import touches for the first time. */
async function pageFaults(file: string): Promise<number> {
  const { stdout } = await run(process.execPath, [faultRunner, pathToFileURL(file).href], {
    env: lambdaLikeEnv(),
  });
  return Number(stdout);
}

interface Target {
  name: string;
  file: string;
}

async function bundlesIn(dir: string, suffix = ''): Promise<Target[]> {
  return (await readdir(dir)).map((name) => ({
    name: `${name}${suffix}`,
    file: join(dir, name, 'index.mjs'),
  }));
}

async function bundledTargets(): Promise<Target[]> {
  if (!values.without?.length) {
    return bundlesIn(resolve(values.dir ?? resolve(outRoot, 'bundles')));
  }
  const asIs = join(work, 'as-is');
  const without = join(work, 'without');
  await bundleAll(asIs, { only });
  await bundleAll(without, { only, without: values.without });
  const withoutTargets = await bundlesIn(without, ` without ${values.without.join(', ')}`);
  return [
    ...(await bundlesIn(asIs)),
    ...withoutTargets.filter(({ name }) => !name.startsWith(`${REFERENCE} `)),
  ];
}

const bundles = (await bundledTargets()).sort((a, b) => a.name.localeCompare(b.name));
const targets = [{ name: '(empty module)', file: empty }, ...bundles];
const jobs = targets.flatMap((target) => Array.from({ length: repeat }, () => target));
const counts = new Map<string, number[]>();
await forEachAtOnce(jobs, 2, async (job) => {
  const count = await instructions(job.file);
  counts.set(job.name, [...(counts.get(job.name) ?? []), count]);
});
const faults = new Map<string, number>();
for (const { name, file } of bundles) {
  const samples: number[] = [];
  for (let i = 0; i < 5; i++) samples.push(await pageFaults(file));
  faults.set(name, median(samples));
}
await rm(work, { recursive: true, force: true });

const baseline = median(counts.get('(empty module)') ?? []);
const imported = (name: string) => median(counts.get(name) ?? []) - baseline;
const reference = imported(REFERENCE);
const referenceFaults = faults.get(REFERENCE) ?? Number.NaN;
console.log('| bundle | import, M instructions | × ref | minor page faults | × ref |');
console.log('| --- | ---: | ---: | ---: | ---: |');
for (const name of bundles.map((bundle) => bundle.name).sort((a, b) => imported(a) - imported(b))) {
  const faultCount = faults.get(name) ?? Number.NaN;
  const instructionsRatio = (imported(name) / reference).toFixed(2);
  console.log(
    `| ${name} | ${(imported(name) / 1e6).toFixed(1)} | ${instructionsRatio}× | ${faultCount} | ${(faultCount / referenceFaults).toFixed(2)}× |`,
  );
}
console.log(
  `\nMain thread of a fresh node ${process.version} importing each bundle, minus one importing an empty module (${(baseline / 1e6).toFixed(1)} M); median of ${repeat} processes each; valgrind callgrind. Minor page faults: process.resourceUsage() around the import, without valgrind, median of 5 processes.`,
);
