import * as z from '#shared/zod.js';
import { nonEmptyString, positiveInteger } from '../config.js';

export const ordersTableEnv = z.object({ ORDERS_TABLE_NAME: nonEmptyString() });

export const idempotencyTableEnv = z.object({ IDEMPOTENCY_TABLE_NAME: nonEmptyString() });

export const catalogTableEnv = z.object({ CATALOG_TABLE_NAME: nonEmptyString() });

export const policiesTableEnv = z.object({ POLICIES_TABLE_NAME: nonEmptyString() });
/** A SIM's history, and how many days its entries are kept (a stage setting; DynamoDB TTL). */
export const historyTableEnv = z.object({
  HISTORY_TABLE_NAME: nonEmptyString(),
  HISTORY_RETENTION_DAYS: z._default(positiveInteger(), 400),
});
