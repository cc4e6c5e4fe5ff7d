import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { orderAcceptedSchema } from '#shared/api/schemas.js';
import { isSettled } from '#shared/store/order.js';
import { flag, numberOption, stringOption } from '../args.js';
import { runBulkActivation } from '../bulk/run.js';
import { statePathFor } from '../bulk/state.js';
import type { Command, CommandContext } from '../command.js';
import { EXIT_ERROR, EXIT_OK, InterruptedError, UsageError } from '../io.js';
import { writeJson, writeLine } from '../output.js';
import { formatOrder, getOrder } from './order.js';

async function activateOne(context: CommandContext, iccid: string): Promise<number> {
  const { api, io, json, values } = context;
  const planId = stringOption(values, 'plan');
  const reference = stringOption(values, 'reference');
  const group = stringOption(values, 'group');
  // One key per invocation: a retry after a lost answer cannot make a second order.
  const key = stringOption(values, 'idempotency-key') ?? `simctl-${randomUUID()}`;
  const accepted = await api.request('POST', `/v1/sims/${encodeURIComponent(iccid)}/activation`, {
    body: {
      ...(planId === undefined ? {} : { planId }),
      ...(reference === undefined ? {} : { reference }),
      ...(group === undefined ? {} : { group }),
    },
    headers: { 'idempotency-key': key },
    schema: orderAcceptedSchema,
    retry: true,
  });
  if (!flag(values, 'wait')) {
    if (json) writeJson(io.stdout, accepted);
    else {
      writeLine(
        io.stdout,
        `Order ${accepted.orderId} accepted: SIM ${accepted.iccid}${accepted.planId ? `, plan ${accepted.planId}` : ''}, status ${accepted.status}`,
      );
      writeLine(io.stdout, `Follow it with: simctl order ${accepted.orderId}`);
    }
    return EXIT_OK;
  }

  const intervalMs =
    (numberOption(values, 'poll-interval', { min: 0.05, max: 600, integer: false }) ?? 2) * 1000;
  let order = await getOrder(api, accepted.orderId);
  let shown = '';
  while (!isSettled(order.status)) {
    if (!json && order.status !== shown) {
      writeLine(io.stderr, `order ${order.orderId}: ${order.status}`);
      shown = order.status;
    }
    try {
      await sleep(intervalMs, undefined, io.signal ? { signal: io.signal } : {});
    } catch {
      throw new InterruptedError(`interrupted: follow it with simctl order ${order.orderId}`);
    }
    order = await getOrder(api, accepted.orderId);
  }
  if (json) writeJson(io.stdout, order);
  else writeLine(io.stdout, formatOrder(order));
  return order.status === 'COMPLETED' ? EXIT_OK : EXIT_ERROR;
}

export const activateCommand: Command = {
  name: 'activate',
  usage: [
    'activate <iccid> [--plan P] [--wait]',
    'activate --csv sims.csv [--plan P] [--out results.csv] [--no-wait]',
  ],
  summary: 'Activate a SIM, or every SIM of a CSV file (batched, resumable), then subscribe the plan',
  options: {
    plan: {
      type: 'string',
      value: 'P',
      description: 'Plan to subscribe once active (see simctl plans); a CSV planId column overrides it',
    },
    reference: { type: 'string', value: 'R', description: 'Reference stored with the SIM (single SIM)' },
    group: { type: 'string', value: 'G', description: 'Group stored with the SIM (single SIM)' },
    wait: { type: 'boolean', description: 'Single SIM: follow the order until it completes or fails' },
    'idempotency-key': {
      type: 'string',
      value: 'K',
      description: 'Single SIM: the Idempotency-Key (default: a new one)',
    },
    csv: {
      type: 'string',
      value: 'FILE',
      description: 'Bulk: a CSV with the header iccid[,planId,reference,group]',
    },
    out: { type: 'string', value: 'FILE', description: 'Bulk: results CSV (default <csv>.results.csv)' },
    'no-wait': {
      type: 'boolean',
      description: 'Bulk: stop once every SIM is ordered, without following the orders',
    },
    'batch-size': {
      type: 'string',
      value: 'N',
      description: 'Bulk: SIMs per request, up to 1000 (default 1000)',
    },
    concurrency: { type: 'string', value: 'N', description: 'Bulk: orders followed at once (default 16)' },
    'poll-interval': {
      type: 'string',
      value: 'SECONDS',
      description: 'Seconds between status checks (default 2)',
    },
  },
  async run(context) {
    const { positionals, values } = context;
    const csvPath = stringOption(values, 'csv');
    if (csvPath === undefined) {
      if (positionals.length !== 1)
        throw new UsageError(
          positionals.length === 0
            ? 'missing <iccid> (or --csv FILE)'
            : `unexpected argument '${positionals[1]}'`,
        );
      for (const bulkOnly of ['out', 'no-wait', 'batch-size', 'concurrency']) {
        if (values[bulkOnly] !== undefined) throw new UsageError(`--${bulkOnly} goes with --csv`);
      }
      return activateOne(context, positionals[0] as string);
    }
    if (positionals.length > 0) throw new UsageError('give either <iccid> or --csv FILE, not both');
    for (const singleOnly of ['reference', 'group', 'wait', 'idempotency-key']) {
      if (values[singleOnly] !== undefined) {
        throw new UsageError(`--${singleOnly} is for a single SIM; with --csv, use the CSV's columns`);
      }
    }
    const planId = stringOption(values, 'plan');
    return runBulkActivation(context.api, context.io, {
      csvPath,
      statePath: statePathFor(csvPath),
      outPath: stringOption(values, 'out') ?? `${csvPath}.results.csv`,
      ...(planId === undefined ? {} : { planId }),
      batchSize: numberOption(values, 'batch-size', { min: 1, max: 1_000 }) ?? 1_000,
      concurrency: numberOption(values, 'concurrency', { min: 1, max: 64 }) ?? 16,
      pollIntervalMs:
        (numberOption(values, 'poll-interval', { min: 0.05, max: 600, integer: false }) ?? 2) * 1000,
      wait: !flag(values, 'no-wait'),
      json: context.json,
    });
  },
};
