import { balanceResponseSchema } from '#shared/api/schemas.js';
import { expectPositionals } from '../args.js';
import type { Command } from '../command.js';
import { EXIT_OK } from '../io.js';
import { formatBytes, formatTime, table, writeJson, writeLine } from '../output.js';

export const balanceCommand: Command = {
  name: 'balance',
  usage: ['balance <iccid>'],
  summary: "A SIM's plans with data used, remaining and total",
  options: {},
  async run({ api, io, json, positionals }) {
    const [iccid] = expectPositionals(positionals, ['<iccid>']);
    const balance = await api.request('GET', `/v1/sims/${encodeURIComponent(iccid as string)}/balance`, {
      schema: balanceResponseSchema,
      retry: true,
    });
    if (json) {
      writeJson(io.stdout, balance);
      return EXIT_OK;
    }
    writeLine(io.stdout, `SIM ${balance.iccid}  MSISDN ${balance.msisdn}`);
    if (balance.plans.length === 0) {
      writeLine(io.stdout, 'No plans.');
      return EXIT_OK;
    }
    writeLine(
      io.stdout,
      table(
        ['PLAN', 'SUBSCRIPTION', 'STATUS', 'USED', 'REMAINING', 'TOTAL', 'EXPIRES'],
        balance.plans.map((plan) => [
          plan.planId,
          plan.subscriptionId,
          plan.status,
          formatBytes(plan.data.usedBytes),
          formatBytes(plan.data.remainingBytes, plan.data.unlimited),
          formatBytes(plan.data.totalBytes, plan.data.unlimited),
          formatTime(plan.expiresAt),
        ]),
        ['left', 'left', 'left', 'right', 'right', 'right', 'left'],
      ),
    );
    return EXIT_OK;
  },
};
