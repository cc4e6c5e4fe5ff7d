import { HISTORY_RETENTION_ENV, tableNameEnv } from '#shared/topology/env-names.js';
import * as z from '#shared/zod.js';
import { nonEmptyString, positiveInteger } from '../config.js';

export const ordersTableEnv = z.object({ [tableNameEnv.orders]: nonEmptyString() });

export const idempotencyTableEnv = z.object({ [tableNameEnv.idempotency]: nonEmptyString() });

export const catalogTableEnv = z.object({ [tableNameEnv.catalog]: nonEmptyString() });

export const policiesTableEnv = z.object({ [tableNameEnv.policies]: nonEmptyString() });

/** A SIM's history, and how many days its entries are kept (a stage setting; DynamoDB TTL). */
export const historyTableEnv = z.object({
  [tableNameEnv.history]: nonEmptyString(),
  [HISTORY_RETENTION_ENV]: z._default(positiveInteger(), 400),
});
