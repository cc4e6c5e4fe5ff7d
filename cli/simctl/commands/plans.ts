import { plansResponseSchema } from '#shared/api/schemas.js';
import { expectPositionals, stringOption } from '../args.js';
import type { Command } from '../command.js';
import { EXIT_OK } from '../io.js';
import { formatBytes, formatPrice, table, writeJson, writeLine } from '../output.js';

const MAX_COUNTRIES_SHOWN = 6;

function countries(codes: readonly string[]): string {
  const shown = codes.slice(0, MAX_COUNTRIES_SHOWN).join(' ');
  return codes.length > MAX_COUNTRIES_SHOWN ? `${shown} +${codes.length - MAX_COUNTRIES_SHOWN}` : shown;
}

export const plansCommand: Command = {
  name: 'plans',
  usage: ['plans [--country XX]'],
  summary: 'The capped plans on offer, optionally those covering one country',
  options: {
    country: { type: 'string', value: 'XX', description: 'ISO 3166-1 alpha-2 country code, e.g. FR' },
  },
  async run({ api, io, json, positionals, values }) {
    expectPositionals(positionals, []);
    const { plans } = await api.request('GET', '/v1/plans', {
      query: { country: stringOption(values, 'country') },
      schema: plansResponseSchema,
      retry: true,
    });
    if (json) {
      writeJson(io.stdout, { plans });
      return EXIT_OK;
    }
    if (plans.length === 0) {
      writeLine(io.stdout, 'No plans.');
      return EXIT_OK;
    }
    writeLine(
      io.stdout,
      table(
        ['PLAN', 'NAME', 'DATA', 'VALIDITY', 'PRICE', 'CATEGORY', 'COUNTRIES'],
        plans.map((plan) => [
          plan.planId,
          plan.name,
          formatBytes(plan.dataBytes ?? -1, plan.unlimited),
          `${plan.validity.value} ${plan.validity.value === 1 ? plan.validity.unit.replace(/s$/, '') : plan.validity.unit}`,
          formatPrice(plan.price.amountMinor, plan.price.currency),
          plan.category,
          countries(plan.countries),
        ]),
        ['left', 'left', 'right', 'left', 'right', 'left', 'left'],
      ),
    );
    return EXIT_OK;
  },
};
