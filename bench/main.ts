import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, resolve } from 'node:path';
import { forEachAtOnce } from './at-once.js';
import { forkTs } from './child.js';
import { type BenchOptions, type PartName, parseBenchArgs, USAGE } from './options.js';
import { outRoot, projectRoot } from './paths.js';
import { type PartResult, renderPart, renderTargets, type TargetCheck } from './table.js';

function stamp(): string {
  return new Date().toISOString().slice(11, 19);
}

function progress(line: string): void {
  process.stderr.write(`${stamp()} ${line}\n`);
}

/** Each part runs in a child process of its own; its logs go to .bench-out/logs/<part>.log. */
async function runPart(part: PartName, options: BenchOptions): Promise<PartResult> {
  const child = forkTs('bench/part.ts', [part, JSON.stringify(options)], {
    logFile: resolve(outRoot, 'logs', `${part}.log`),
    onProgress: progress,
  });
  try {
    const { value } = await child.next('result');
    return value as PartResult;
  } finally {
    await child.stop();
  }
}

function machine(): string {
  const cpu = cpus();
  return `${cpu.length} × ${cpu[0]?.model.trim() ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, Node ${process.version}, ${process.platform}/${process.arch}`;
}

function commandLine(argv: readonly string[]): string {
  return ['npm run bench', ...(argv.length ? ['--', ...argv] : [])].join(' ');
}

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  let options: BenchOptions | undefined;
  try {
    options = parseBenchArgs(argv);
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}\n`);
    return 2;
  }
  if (!options) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const startedAt = new Date();
  const load = loadavg()
    .map((value) => value.toFixed(2))
    .join(' ');
  progress(`bench: ${options.parts.join(', ')}${options.quick ? ' (quick)' : ''}; load average ${load}`);
  const outcomes: ({ result: PartResult } | { error: string })[] = [];
  const parts = options.parts;
  const runParts = (indexes: number[], atOnce: number) =>
    forEachAtOnce(indexes, atOnce, async (index) => {
      const part = parts[index] as PartName;
      const partStarted = performance.now();
      try {
        outcomes[index] = { result: await runPart(part, options) };
        progress(`${part}: done in ${((performance.now() - partStarted) / 1000).toFixed(1)} s`);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        outcomes[index] = { error: message.split('\n')[0] ?? message };
        progress(`${part}: FAILED: ${message}`);
      }
    });
  // The default run measures one part at a time, alone on the machine. --quick only checks that every part
  // works: the bundle part (cold-init timing) still runs alone, the others two at a time (the machines have
  // two cores), to finish sooner.
  const indexes = parts.map((_, index) => index);
  const pairable = (index: number) => options.quick && parts[index] !== 'bundle';
  await runParts(
    indexes.filter((index) => !pairable(index)),
    1,
  );
  await runParts(indexes.filter(pairable), 2);
  const results = outcomes.flatMap((outcome) => ('result' in outcome ? [outcome.result] : []));
  const failed = outcomes.flatMap((outcome, index) =>
    'error' in outcome ? [{ part: parts[index] as PartName, error: outcome.error }] : [],
  );
  const seconds = (Date.now() - startedAt.getTime()) / 1000;
  const targets: TargetCheck[] = [
    ...results.flatMap((result) => result.targets),
    ...failed.map(({ part, error }) => ({ target: `part ${part} ran`, measured: error, pass: false })),
  ];
  const report = [
    `Command: \`${commandLine(argv)}\` (${startedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC, ${seconds.toFixed(0)} s in total; parts: ${results.map((r) => `${r.part} ${r.seconds.toFixed(0)} s`).join(', ')})`,
    '',
    `Machine: ${machine()}; load average at start ${load}.`,
    '',
    ...results.map((result) => `${renderPart(result)}\n`),
    renderTargets(targets),
    '',
  ].join('\n');
  process.stdout.write(`${report}\n`);
  const saved = resolve(outRoot, 'report.md');
  await mkdir(outRoot, { recursive: true });
  await writeFile(saved, report);
  if (options.out) {
    const out = resolve(projectRoot, options.out);
    await mkdir(dirname(out), { recursive: true });
    await writeFile(out, report);
  }
  // Missed targets are findings, reported in the table; only a part that could not run fails the command.
  return failed.length === 0 ? 0 : 1;
}

process.exitCode = await main();
