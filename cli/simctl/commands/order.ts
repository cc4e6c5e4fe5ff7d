import type * as z from 'zod';
import { orderSchema } from '#shared/api/schemas.js';
import { reviewOutcomes } from '#shared/store/order.js';
import { expectPositionals, stringOption } from '../args.js';
import type { Command, CommandContext } from '../command.js';
import type { ApiClient } from '../http.js';
import { EXIT_OK, UsageError } from '../io.js';
import { fields, formatTime, table, writeJson, writeLine } from '../output.js';

export type Order = z.output<typeof orderSchema>;

export function getOrder(api: ApiClient, orderId: string): Promise<Order> {
  return api.request('GET', `/v1/orders/${encodeURIComponent(orderId)}`, {
    schema: orderSchema,
    retry: true,
  });
}

export function formatOrder(order: Order): string {
  const summary = fields([
    ['Order', order.orderId],
    ['Kind', order.kind],
    ['SIM', order.iccid],
    ['Plan', order.planId],
    ['Status', order.status],
    ['Failure', order.failure ? `${order.failure.code}: ${order.failure.detail}` : undefined],
    ['Order type', order.orderType],
    ['Transaction', order.transactionId],
    ['MSISDN', order.msisdn],
    ['Subscription', order.subscriptionId],
    ['Reference', order.reference],
    ['Group', order.group],
    ['Created', formatTime(order.createdAt)],
    ['Updated', formatTime(order.updatedAt)],
  ]);
  const timeline = table(
    ['AT', 'STATUS', 'NOTE'],
    order.timeline.map((entry) => [formatTime(entry.at), entry.status, entry.note]),
  );
  return `${summary}\n\n${timeline}`;
}

/** POST /v1/orders/{orderId}/resolve: settles an order held for review. Not retried: a person decides once. */
async function resolveOrder(
  api: ApiClient,
  orderId: string,
  values: CommandContext['values'],
): Promise<Order> {
  const outcome = stringOption(values, 'outcome');
  if (outcome === undefined) throw new UsageError(`--outcome is required: ${reviewOutcomes.join(', ')}`);
  if (!(reviewOutcomes as readonly string[]).includes(outcome))
    throw new UsageError(`--outcome must be one of ${reviewOutcomes.join(', ')}`);
  const subscriptionId = stringOption(values, 'subscription-id');
  const note = stringOption(values, 'note');
  return api.request('POST', `/v1/orders/${encodeURIComponent(orderId)}/resolve`, {
    body: { outcome, ...(subscriptionId ? { subscriptionId } : {}), ...(note ? { note } : {}) },
    schema: orderSchema,
  });
}

export const orderCommand: Command = {
  name: 'order',
  usage: [
    'order <orderId>',
    'order resolve <orderId> --outcome subscribed|retry|abandon [--subscription-id S] [--note T]',
  ],
  summary: "An order's status, timeline, Transatel ids and failure reason; resolve one held for review",
  options: {
    outcome: {
      type: 'string',
      value: 'O',
      description:
        'resolve: subscribed (the plan was bought: complete), retry (it was not: order it again), abandon (fail it)',
    },
    'subscription-id': { type: 'string', value: 'S', description: 'resolve: the plan found on the SIM' },
    note: { type: 'string', value: 'T', description: 'resolve: a note for the timeline' },
  },
  async run({ api, io, json, positionals, values }) {
    const resolving = positionals[0] === 'resolve';
    const [orderId] = expectPositionals(resolving ? positionals.slice(1) : positionals, ['<orderId>']);
    const order = resolving
      ? await resolveOrder(api, orderId as string, values)
      : await getOrder(api, orderId as string);
    if (json) writeJson(io.stdout, order);
    else writeLine(io.stdout, formatOrder(order));
    return EXIT_OK;
  },
};
