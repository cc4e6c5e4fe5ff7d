import { setTimeout as sleep } from 'node:timers/promises';
import type * as z from 'zod';
import { MAX_INLINE_REPORT_BYTES, reportAcceptedSchema, reportResponseSchema } from '#shared/api/schemas.js';
import { MAX_REPORT_DAYS, REPORT_FORMATS, REPORT_TYPES, SPEND_BREAKDOWNS } from '#shared/reports/report.js';
import { expectPositionals, flag, numberOption, stringOption } from '../args.js';
import type { Command } from '../command.js';
import type { ApiClient } from '../http.js';
import { CliError, type CliIo, EXIT_OK, InterruptedError, isAbortError, UsageError } from '../io.js';
import { writeJson, writeLine } from '../output.js';

type Report = z.output<typeof reportResponseSchema>;

const POLL_FIRST_MS = 250;
const POLL_MAX_MS = 5_000;

function definitionOf(type: string, values: Record<string, string | boolean | undefined>) {
  const format = stringOption(values, 'format') ?? 'csv';
  if (!(REPORT_FORMATS as readonly string[]).includes(format)) {
    throw new UsageError(`--format must be one of ${REPORT_FORMATS.join(', ')}, got '${format}'`);
  }
  if (type === 'plans-expiring') {
    const days = numberOption(values, 'days', { min: 1, max: MAX_REPORT_DAYS });
    if (days === undefined) throw new UsageError('plans-expiring needs --days N');
    return { type, days, format };
  }
  if (type === 'data-low') {
    const percent = numberOption(values, 'percent', { min: 1, max: 100 });
    if (percent === undefined) throw new UsageError('data-low needs --percent N');
    return { type, percent, format };
  }
  if (type === 'usage' || type === 'spend') {
    const from = stringOption(values, 'from');
    const to = stringOption(values, 'to');
    if (from === undefined || to === undefined) throw new UsageError(`${type} needs --from and --to`);
    if (type === 'usage') return { type, from, to, format };
    const by = stringOption(values, 'by') ?? 'month';
    if (!(SPEND_BREAKDOWNS as readonly string[]).includes(by)) {
      throw new UsageError(`--by must be one of ${SPEND_BREAKDOWNS.join(', ')}, got '${by}'`);
    }
    return { type, from, to, by, format };
  }
  throw new UsageError(`unknown report '${type}': one of ${REPORT_TYPES.join(', ')}`);
}

async function read(api: ApiClient, reportId: string): Promise<Report> {
  return api.request('GET', `/v1/reports/${encodeURIComponent(reportId)}`, {
    schema: reportResponseSchema,
    retry: true,
  });
}

/** Polls until the report is DONE or FAILED, a little less often each time. */
async function waitFor(api: ApiClient, io: CliIo, reportId: string): Promise<Report> {
  let delay = POLL_FIRST_MS;
  for (;;) {
    const report = await read(api, reportId);
    if (report.status === 'DONE' || report.status === 'FAILED') return report;
    try {
      await sleep(delay, undefined, io.signal ? { signal: io.signal } : {});
    } catch (error) {
      if (isAbortError(error)) throw new InterruptedError(`interrupted; the report goes on: ${reportId}`);
      throw error;
    }
    delay = Math.min(POLL_MAX_MS, delay * 2);
  }
}

/**
 * The content: a small report's streamed in the API's answer (`?content=inline`, signed like every call); a
 * larger one's from the presigned URL (no credentials: the URL carries its signature).
 */
async function download(api: ApiClient, io: CliIo, report: Report): Promise<string> {
  if ((report.bytes ?? Number.POSITIVE_INFINITY) <= MAX_INLINE_REPORT_BYTES) {
    return api.request<string>('GET', `/v1/reports/${encodeURIComponent(report.reportId)}`, {
      query: { content: 'inline' },
      headers: { accept: '*/*' },
      raw: true,
      retry: true,
    });
  }
  if (!report.downloadUrl) throw new CliError(`report ${report.reportId} has no download URL`);
  const response = await (io.fetch ?? fetch)(report.downloadUrl, io.signal ? { signal: io.signal } : {});
  if (!response.ok) {
    throw new CliError(
      `download of report ${report.reportId} failed: ${response.status} ${response.statusText}`,
    );
  }
  return response.text();
}

async function finish(api: ApiClient, io: CliIo, report: Report, json: boolean): Promise<number> {
  if (report.status === 'FAILED') {
    throw new CliError(`report ${report.reportId} failed: ${report.error ?? 'no reason given'}`);
  }
  if (json) {
    writeJson(io.stdout, report);
    return EXIT_OK;
  }
  io.stdout.write(await download(api, io, report));
  if (report.complete === false) {
    writeLine(io.stderr, `simctl: report ${report.reportId} is partial: its run ran out of time`);
  }
  return EXIT_OK;
}

export const reportCommand: Command = {
  name: 'report',
  usage: [
    'report plans-expiring --days N [--format csv|json] [--no-wait]',
    'report data-low --percent N [--format csv|json] [--no-wait]',
    'report usage --from ISO --to ISO [--format csv|json] [--no-wait]',
    'report spend --from ISO --to ISO [--by month|policy|operator] [--format csv|json] [--no-wait]',
    'report get <reportId>',
  ],
  summary: 'Fleet reports (plans expiring, data low, usage, spend): the content on stdout, e.g. > out.csv',
  options: {
    days: { type: 'string', value: 'N', description: `plans-expiring: within N days (1-${MAX_REPORT_DAYS})` },
    percent: { type: 'string', value: 'N', description: 'data-low: at most N % of the data left (1-100)' },
    from: {
      type: 'string',
      value: 'ISO',
      description: 'usage, spend: from this date or instant (with its offset)',
    },
    to: { type: 'string', value: 'ISO', description: 'usage, spend: up to this date or instant (excluded)' },
    by: {
      type: 'string',
      value: 'month|policy',
      description: 'spend: plans bought by month (default) or policy',
    },
    format: { type: 'string', value: 'csv|json', description: 'The content: CSV (default) or JSON' },
    'no-wait': { type: 'boolean', description: 'Print the report id and return; `report get ID` later' },
  },
  async run({ api, io, json, positionals, values }) {
    const [type, reportId] = positionals;
    if (type === undefined)
      throw new UsageError(`missing the report type (${REPORT_TYPES.join(', ')}) or get`);
    if (type === 'get') {
      expectPositionals(positionals, ['get', '<reportId>']);
      const report = await read(api, reportId as string);
      if (report.status !== 'DONE' && report.status !== 'FAILED') {
        if (json) writeJson(io.stdout, report);
        else writeLine(io.stdout, `${report.reportId} ${report.status}`);
        return EXIT_OK;
      }
      return finish(api, io, report, json);
    }
    expectPositionals(positionals, ['<type>']);
    const accepted = await api.request('POST', '/v1/reports', {
      body: definitionOf(type, values),
      schema: reportAcceptedSchema,
    });
    if (flag(values, 'no-wait')) {
      if (json) writeJson(io.stdout, accepted);
      else writeLine(io.stdout, accepted.reportId);
      return EXIT_OK;
    }
    return finish(api, io, await waitFor(api, io, accepted.reportId), json);
  },
};
