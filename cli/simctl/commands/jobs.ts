import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import type * as z from 'zod';
import { jobAcceptedSchema, jobItemsSchema, jobSchema } from '#shared/api/schemas.js';
import { expectPositionals, flag, numberOption, stringOption } from '../args.js';
import type { Command, CommandContext } from '../command.js';
import { CsvSyntaxError, formatCsv, parseCsv } from '../csv.js';
import type { ApiClient } from '../http.js';
import { CliError, EXIT_OK, type OutputStream, UsageError } from '../io.js';
import { fields, formatTime, table, writeJson, writeLine } from '../output.js';

type Job = z.output<typeof jobSchema>;
type JobItem = z.output<typeof jobItemsSchema>['items'][number];

const subcommands = ['create', 'get', 'watch', 'items', 'cancel'] as const;
type Subcommand = (typeof subcommands)[number];
const actions = ['suspend', 'reactivate', 'terminate', 'update', 'plan'];

const path = (jobId: string) => `/v1/jobs/${encodeURIComponent(jobId)}`;

/** The CSV columns a SIM may carry, besides its ICCID. */
const FIELD_COLUMNS = ['planId', 'group', 'reference'] as const;

/**
 * SIMs of a CSV: a header row naming `iccid` (and optionally planId, group, reference), or no header and the
 * ICCID in the first column. The API checks every ICCID and names the bad ones.
 */
export async function readJobCsv(file: string): Promise<Record<string, string>[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new CliError(`cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  let records: ReturnType<typeof parseCsv>;
  try {
    records = parseCsv(text);
  } catch (error) {
    if (error instanceof CsvSyntaxError) throw new CliError(`${file}: ${error.message}`);
    throw error;
  }
  const [first, ...rest] = records;
  if (!first) throw new CliError(`${file} lists no SIM`);
  const header = first.fields.map((name) => name.trim());
  if (!header.some((name) => name.toLowerCase() === 'iccid')) {
    return records.map((record) => ({ iccid: (record.fields[0] ?? '').trim() }));
  }
  return rest.map((record) => {
    const sim: Record<string, string> = {};
    header.forEach((name, index) => {
      const value = record.fields[index]?.trim();
      if (!value) return;
      if (name.toLowerCase() === 'iccid') sim.iccid = value;
      else if ((FIELD_COLUMNS as readonly string[]).includes(name)) sim[name] = value;
    });
    return sim;
  });
}

/** `--at`: ISO-8601, or `+N` seconds, minutes or hours from now (`+5s`, `+10m`, `+2h`). */
export function parseAt(text: string, now = Date.now()): string {
  const relative = /^\+(\d+)([smh])$/.exec(text.trim());
  if (relative) {
    const unit = { s: 1_000, m: 60_000, h: 3_600_000 }[relative[2] as 's' | 'm' | 'h'];
    return new Date(now + Number(relative[1]) * unit).toISOString();
  }
  if (Number.isNaN(Date.parse(text)) || !/^\d{4}-\d{2}-\d{2}T/.test(text)) {
    throw new UsageError(`--at must be an ISO-8601 time or +N[s|m|h], got '${text}'`);
  }
  return text;
}

export function formatJob(job: Job): string {
  return fields([
    ['Job', job.jobId],
    ['Action', job.action],
    ['Status', job.status],
    ['Progress', `${job.done} done, ${job.failed} failed of ${job.total}`],
    ['Created', formatTime(job.createdAt)],
    ['Scheduled for', formatTime(job.scheduledFor)],
    ['Started', formatTime(job.startedAt)],
    ['Finished', formatTime(job.finishedAt)],
  ]);
}

function formatItems(items: readonly JobItem[]): string {
  if (items.length === 0) return 'No items.';
  return table(
    ['ICCID', 'STATUS', 'RESULT'],
    items.map((item) => [
      item.iccid,
      item.status,
      item.title
        ? `${item.title}: ${item.detail ?? ''}`
        : (item.orderId ?? item.transactionId ?? item.detail ?? ''),
    ]),
  );
}

async function allItems(api: ApiClient, jobId: string, status: string | undefined): Promise<JobItem[]> {
  const items: JobItem[] = [];
  let cursor: string | undefined;
  do {
    const page = await api.request('GET', `${path(jobId)}/items`, {
      query: { status, cursor },
      schema: jobItemsSchema,
      retry: true,
    });
    items.push(...page.items);
    cursor = page.cursor;
  } while (cursor);
  return items;
}

/** One line per change off a terminal; a bar redrawn in place on one. */
function progress(stream: OutputStream) {
  let last = '';
  return {
    show(job: Job) {
      const settled = job.done + job.failed;
      const text = `${job.status}  ${settled}/${job.total}  done ${job.done}  failed ${job.failed}`;
      if (text === last) return;
      last = text;
      if (!stream.isTTY) return writeLine(stream, `progress: ${text}`);
      const ratio = job.total === 0 ? 1 : settled / job.total;
      const bar = `[${'#'.repeat(Math.round(ratio * 24)).padEnd(24, '.')}]`;
      stream.write(`\r\x1b[2K${bar} ${text}`);
    },
    end() {
      if (stream.isTTY && last !== '') stream.write('\n');
    },
  };
}

function jobIdOf(positionals: readonly string[]): string {
  const [jobId] = expectPositionals(positionals, ['<jobId>']) as [string];
  if (jobId.trim() === '') throw new UsageError('<jobId> must not be empty');
  return jobId;
}

async function create({ api, io, json, positionals, values }: CommandContext): Promise<void> {
  // `--csv` is a flag (items prints CSV with it): here the file named after it is the one positional.
  const csv = flag(values, 'csv')
    ? (expectPositionals(positionals, ['F (after --csv)'])[0] as string)
    : undefined;
  if (csv === undefined) expectPositionals(positionals, []);
  const action = stringOption(values, 'action');
  if (!action || !actions.includes(action))
    throw new UsageError(`--action must be one of ${actions.join(', ')}`);
  const filter = Object.fromEntries(
    (['group', 'reference', 'status'] as const).flatMap((name) => {
      const value = stringOption(values, name);
      return value === undefined ? [] : [[name, value]];
    }),
  );
  if ((csv === undefined) === (Object.keys(filter).length === 0)) {
    throw new UsageError('give either --csv F or a filter (--group, --reference, --status)');
  }
  const planId = stringOption(values, 'plan');
  const at = stringOption(values, 'at');
  const key = stringOption(values, 'idempotency-key');
  const body = {
    action,
    ...(csv === undefined ? { filter } : { sims: await readJobCsv(csv) }),
    ...(planId === undefined ? {} : { params: { planId } }),
    ...(at === undefined ? {} : { scheduledFor: parseAt(at) }),
  };
  const accepted = await api.request('POST', '/v1/jobs', {
    body,
    schema: jobAcceptedSchema,
    ...(key === undefined ? {} : { headers: { 'idempotency-key': key }, retry: true }),
  });
  if (json) writeJson(io.stdout, accepted);
  else writeLine(io.stdout, `Job ${accepted.jobId} ${accepted.status} (${accepted.total} SIMs)`);
}

async function watch({ api, io, json, positionals, values }: CommandContext): Promise<void> {
  const jobId = jobIdOf(positionals);
  const everyMs = (numberOption(values, 'every', { min: 0.1, max: 60, integer: false }) ?? 2) * 1000;
  const bar = progress(io.stderr);
  let job: Job;
  for (;;) {
    job = await api.request('GET', path(jobId), { schema: jobSchema, retry: true });
    bar.show(job);
    if (job.status === 'DONE' || job.status === 'CANCELLED') break;
    await sleep(everyMs, undefined, io.signal ? { signal: io.signal } : {});
  }
  bar.end();
  const failures = job.failed > 0 ? await allItems(api, jobId, 'FAILED') : [];
  if (json) return writeJson(io.stdout, { ...job, failures });
  writeLine(io.stdout, formatJob(job));
  if (failures.length > 0) writeLine(io.stdout, `\nFailed:\n${formatItems(failures)}`);
}

async function run(subcommand: Subcommand, context: CommandContext): Promise<void> {
  const { api, io, json, positionals, values } = context;
  const print = (value: unknown, text: string) =>
    json ? writeJson(io.stdout, value) : writeLine(io.stdout, text);
  switch (subcommand) {
    case 'create':
      return create(context);
    case 'watch':
      return watch(context);
    case 'get': {
      const job = await api.request('GET', path(jobIdOf(positionals)), { schema: jobSchema, retry: true });
      return print(job, formatJob(job));
    }
    case 'items': {
      const status = flag(values, 'failed') ? 'FAILED' : stringOption(values, 'status');
      const items = await allItems(api, jobIdOf(positionals), status);
      if (json) return writeJson(io.stdout, { items });
      if (flag(values, 'csv')) {
        return io.stdout.write(
          formatCsv([
            ['iccid', 'status', 'title', 'detail', 'transactionId', 'orderId'],
            ...items.map((item) => [
              item.iccid,
              item.status,
              item.title,
              item.detail,
              item.transactionId,
              item.orderId,
            ]),
          ]),
        ) as undefined;
      }
      return writeLine(io.stdout, formatItems(items));
    }
    case 'cancel': {
      const job = await api.request('POST', `${path(jobIdOf(positionals))}/cancel`, {
        schema: jobSchema,
        retry: true,
      });
      return print(
        job,
        `Job ${job.jobId} ${job.status}: ${job.done} done, ${job.failed} failed of ${job.total}`,
      );
    }
  }
}

export const jobCommand: Command = {
  name: 'job',
  usage: [
    'job create --action A (--csv F | --group G | --reference R | --status S) [--plan P] [--at TIME]',
    'job get <jobId>',
    'job watch <jobId> [--every SECONDS]',
    'job items <jobId> [--failed | --status S] [--csv]',
    'job cancel <jobId>',
  ],
  summary: 'Bulk jobs: one action over many SIMs (a CSV or a filter), now or at a time; watch, items, cancel',
  options: {
    action: { type: 'string', value: 'A', description: `create: ${actions.join(', ')}` },
    csv: {
      type: 'boolean',
      description:
        'create --csv F: the SIMs (an iccid column; planId, group, reference optional); items: print CSV',
    },
    group: {
      type: 'string',
      value: 'G',
      description: 'create: the SIMs of this group (or update: the new group)',
    },
    reference: { type: 'string', value: 'R', description: 'create: the SIMs of this reference' },
    status: {
      type: 'string',
      value: 'S',
      description: 'create: the SIMs of this status; items: of this status',
    },
    plan: { type: 'string', value: 'P', description: 'create: the planId of a plan job' },
    at: { type: 'string', value: 'TIME', description: 'create: start then (ISO-8601, or +5s, +10m, +2h)' },
    'idempotency-key': { type: 'string', value: 'K', description: 'create: the same key gives the same job' },
    failed: { type: 'boolean', description: 'items: only the failed ones' },
    every: { type: 'string', value: 'SECONDS', description: 'watch: how often to look (default 2)' },
  },
  async run(context) {
    const [subcommand, ...rest] = context.positionals;
    if (subcommand === undefined) throw new UsageError(`missing subcommand: ${subcommands.join(', ')}`);
    if (!(subcommands as readonly string[]).includes(subcommand)) {
      throw new UsageError(`unknown subcommand '${subcommand}': ${subcommands.join(', ')}`);
    }
    await run(subcommand as Subcommand, { ...context, positionals: rest });
    return EXIT_OK;
  },
};
