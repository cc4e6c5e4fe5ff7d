import type * as z from 'zod';
import { orderSchema } from '../../../shared/api/schemas.js';
import { expectPositionals } from '../args.js';
import type { Command } from '../command.js';
import type { ApiClient } from '../http.js';
import { EXIT_OK } from '../io.js';
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

export const orderCommand: Command = {
  name: 'order',
  usage: ['order <orderId>'],
  summary: "An order's status, timeline, Transatel ids and failure reason",
  options: {},
  async run({ api, io, json, positionals }) {
    const [orderId] = expectPositionals(positionals, ['<orderId>']);
    const order = await getOrder(api, orderId as string);
    if (json) writeJson(io.stdout, order);
    else writeLine(io.stdout, formatOrder(order));
    return EXIT_OK;
  },
};
