import type * as z from 'zod';
import { MAX_EVENTS_PAGE, simEventsResponseSchema } from '#shared/api/schemas.js';
import { expectPositionals, flag, numberOption, stringOption } from '../args.js';
import type { Command } from '../command.js';
import type { ApiClient } from '../http.js';
import { EXIT_OK, UsageError } from '../io.js';
import { formatTime, table, writeJson, writeLine } from '../output.js';

type EventsPage = z.output<typeof simEventsResponseSchema>;
type SimEvent = EventsPage['events'][number];

const UNIT_MS: Record<string, number> = {
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 7 * 86_400_000,
};

const isoDate = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2}))?$/;

/** `--since 90m`, `2h`, `7d`, `2w` (before now), or an ISO-8601 date or instant, as the API's `from`. */
export function sinceToFrom(raw: string, now: Date = new Date()): string {
  const duration = /^(\d{1,6})([smhdw])$/.exec(raw.trim());
  if (duration) {
    const [, amount, unit] = duration;
    return new Date(now.getTime() - Number(amount) * (UNIT_MS[unit as string] as number)).toISOString();
  }
  // An instant needs its offset (`2026-06-01T10:00` alone would be in whose time?); a date is its midnight UTC.
  if (isoDate.test(raw) && !Number.isNaN(Date.parse(raw))) {
    return raw.includes('T') ? new Date(raw).toISOString() : raw;
  }
  throw new UsageError(
    `--since must be a duration (90m, 2h, 7d, 2w) or an ISO-8601 date or instant, got '${raw}'`,
  );
}

/** The table's summary: an operator action says who. */
function summaryOf(event: SimEvent): string {
  return event.source === 'operator' && event.actor ? `${event.summary} (by ${event.actor})` : event.summary;
}

async function fetchPage(
  api: ApiClient,
  iccid: string,
  query: Record<string, string | number | undefined>,
): Promise<EventsPage> {
  return api.request('GET', `/v1/sims/${encodeURIComponent(iccid)}/events`, {
    query,
    schema: simEventsResponseSchema,
    retry: true,
  });
}

export const eventsCommand: Command = {
  name: 'events',
  usage: ['events <iccid> [--type T] [--since DURATION|ISO] [--limit N] [--all]'],
  summary: "A SIM's history: Transatel events, order steps, policy decisions, operator actions",
  options: {
    type: {
      type: 'string',
      value: 'T',
      description: 'Only these types, comma-separated (sim.activated,order.COMPLETED,operator.action...)',
    },
    since: {
      type: 'string',
      value: 'DURATION|ISO',
      description: 'Only what happened since: 90m, 2h, 7d, 2w, or an ISO-8601 date or instant',
    },
    limit: {
      type: 'string',
      value: 'N',
      description: `Entries per page, up to ${MAX_EVENTS_PAGE} (default 50; ${MAX_EVENTS_PAGE} with --all)`,
    },
    all: { type: 'boolean', description: 'Every page (follows the cursor)' },
  },
  async run({ api, io, json, positionals, values }) {
    const [iccid] = expectPositionals(positionals, ['<iccid>']) as [string];
    const since = stringOption(values, 'since');
    const all = flag(values, 'all');
    const limit =
      numberOption(values, 'limit', { min: 1, max: MAX_EVENTS_PAGE }) ?? (all ? MAX_EVENTS_PAGE : undefined);
    const query = {
      type: stringOption(values, 'type'),
      from: since === undefined ? undefined : sinceToFrom(since),
      limit,
    };

    const pages: EventsPage[] = [await fetchPage(api, iccid, query)];
    while (all) {
      const cursor = pages[pages.length - 1]?.nextCursor;
      if (cursor === undefined) break;
      pages.push(await fetchPage(api, iccid, { ...query, cursor }));
    }

    if (json) {
      writeJson(io.stdout, all ? pages : pages[0]);
      return EXIT_OK;
    }
    const events = pages.flatMap((page) => page.events);
    if (events.length === 0) {
      writeLine(io.stdout, 'No events.');
      return EXIT_OK;
    }
    writeLine(
      io.stdout,
      table(
        ['AT', 'SOURCE', 'TYPE', 'SUMMARY'],
        events.map((event) => [formatTime(event.at), event.source, event.type, summaryOf(event)]),
      ),
    );
    const more = pages[pages.length - 1]?.nextCursor !== undefined;
    if (more) writeLine(io.stdout, `${events.length} events shown; more with --all`);
    return EXIT_OK;
  },
};
