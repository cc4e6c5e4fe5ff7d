import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { lazy } from '../lazy.js';
import * as z from '../zod.js';

/**
 * How long after an activation request the ACTIVATED webhook comes, as the plan workers have seen it, kept
 * in one item of the orders table so that the activation workers time each order's first status check by
 * it. The key, `timing#activated-webhook`, is never an order id (those are ULIDs) and the item carries no
 * indexed attribute.
 */
export interface WebhookTiming {
  /** Seconds after the activation request by which the webhook is expected. */
  expectedSeconds: number;
  /** When a plan worker last wrote it. */
  at: Date;
}

export interface WebhookTimingStore {
  read(): Promise<WebhookTiming | undefined>;
  write(timing: WebhookTiming): Promise<void>;
}

export const WEBHOOK_TIMING_KEY = 'timing#activated-webhook';

/** The stored item; one that does not match (written by hand, say) is ignored. Built on first read. */
const storedTimingSchema = lazy(() =>
  z.object({ expectedSeconds: z.number().check(z.minimum(0)), at: z.iso.datetime() }),
);

export class DynamoWebhookTimingStore implements WebhookTimingStore {
  constructor(private readonly options: { client: DynamoDBDocumentClient; tableName: string }) {}

  async read(): Promise<WebhookTiming | undefined> {
    const { Item } = await this.options.client.send(
      new GetCommand({ TableName: this.options.tableName, Key: { orderId: WEBHOOK_TIMING_KEY } }),
    );
    const stored = storedTimingSchema().safeParse(Item);
    if (!stored.success) return undefined;
    return { expectedSeconds: stored.data.expectedSeconds, at: new Date(stored.data.at) };
  }

  async write(timing: WebhookTiming): Promise<void> {
    await this.options.client.send(
      new PutCommand({
        TableName: this.options.tableName,
        Item: {
          orderId: WEBHOOK_TIMING_KEY,
          expectedSeconds: timing.expectedSeconds,
          at: timing.at.toISOString(),
        },
      }),
    );
  }
}

export class MemoryWebhookTimingStore implements WebhookTimingStore {
  timing: WebhookTiming | undefined;
  reads = 0;
  writes = 0;

  async read(): Promise<WebhookTiming | undefined> {
    this.reads++;
    return this.timing;
  }

  async write(timing: WebhookTiming): Promise<void> {
    this.writes++;
    this.timing = timing;
  }
}
