import * as z from '../../zod.js';
import { nonEmptyString } from '../config.js';

export const ordersTableEnv = z.object({ ORDERS_TABLE_NAME: nonEmptyString() });

export const idempotencyTableEnv = z.object({ IDEMPOTENCY_TABLE_NAME: nonEmptyString() });

export const catalogTableEnv = z.object({ CATALOG_TABLE_NAME: nonEmptyString() });

export const policiesTableEnv = z.object({ POLICIES_TABLE_NAME: nonEmptyString() });
