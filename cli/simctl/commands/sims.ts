import type * as z from 'zod';
import { simStatusFilterSchema, simsResponseSchema } from '#shared/api/schemas.js';
import { expectPositionals, flag, numberOption, stringOption } from '../args.js';
import type { Command } from '../command.js';
import type { ApiClient } from '../http.js';
import { EXIT_OK, UsageError } from '../io.js';
import { formatTime, table, writeJson, writeLine } from '../output.js';

type SimPage = z.output<typeof simsResponseSchema>;
type SimSummary = SimPage['sims'][number];

const ALL_PAGE_SIZE = 1_000;

/** `active` -> `Active`, `pre-activated` -> `Pre-activated`: the API's spelling of a status. */
function statusFilter(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const match = simStatusFilterSchema.options.find((status) => status.toLowerCase() === raw.toLowerCase());
  if (!match) throw new UsageError(`--status must be one of ${simStatusFilterSchema.options.join(', ')}`);
  return match;
}

async function fetchPage(
  api: ApiClient,
  query: Record<string, string | number | undefined>,
): Promise<SimPage> {
  return api.request('GET', '/v1/sims', { query, schema: simsResponseSchema, retry: true });
}

export const simsCommand: Command = {
  name: 'sims',
  usage: ['sims [--status S] [--group G] [--reference R] [--page N] [--page-size N | --all]'],
  summary: 'Search SIMs by status, group or reference',
  options: {
    status: {
      type: 'string',
      value: 'S',
      description: 'Available, Pre-activated, Active, Suspended or Terminated',
    },
    group: { type: 'string', value: 'G', description: 'Only SIMs of this group' },
    reference: { type: 'string', value: 'R', description: 'Only SIMs with this reference' },
    page: { type: 'string', value: 'N', description: 'Page number, from 1 (default 1)' },
    'page-size': { type: 'string', value: 'N', description: 'SIMs per page, up to 1000 (default 100)' },
    all: { type: 'boolean', description: 'Every page' },
  },
  async run({ api, io, json, positionals, values }) {
    expectPositionals(positionals, []);
    const filters = {
      status: statusFilter(stringOption(values, 'status')),
      group: stringOption(values, 'group'),
      reference: stringOption(values, 'reference'),
    };
    const all = flag(values, 'all');
    const page = numberOption(values, 'page', { min: 1, max: 1_000_000 }) ?? 1;
    const pageSize = numberOption(values, 'page-size', { min: 1, max: 1_000 }) ?? (all ? ALL_PAGE_SIZE : 100);

    let result = await fetchPage(api, { ...filters, page, pageSize });
    const sims: SimSummary[] = [...result.sims];
    if (all) {
      while (result.sims.length > 0 && result.page * result.pageSize < result.total) {
        result = await fetchPage(api, { ...filters, page: result.page + 1, pageSize });
        sims.push(...result.sims);
      }
    }

    if (json) {
      writeJson(io.stdout, all ? { sims, total: result.total } : result);
      return EXIT_OK;
    }
    if (sims.length === 0) {
      writeLine(io.stdout, 'No SIMs.');
      return EXIT_OK;
    }
    writeLine(
      io.stdout,
      table(
        ['ICCID', 'STATUS', 'MSISDN', 'TYPE', 'RATE PLAN', 'GROUP', 'REFERENCE', 'ACTIVATED'],
        sims.map((sim) => [
          sim.iccid,
          sim.status,
          sim.msisdn,
          sim.simType,
          sim.ratePlan,
          sim.group,
          sim.reference,
          formatTime(sim.activationDate),
        ]),
      ),
    );
    const pages = Math.max(1, Math.ceil(result.total / result.pageSize));
    const footer = all
      ? `${sims.length} SIMs`
      : `Page ${result.page} of ${pages}: ${sims.length} of ${result.total} SIMs${result.page < pages ? ` (--page ${result.page + 1} for more, --all for every page)` : ''}`;
    writeLine(io.stdout, footer);
    return EXIT_OK;
  },
};
