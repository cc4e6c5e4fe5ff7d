import { logger } from '../lambda/logger.js';
import { lazy } from '../lazy.js';
import type { OrderMoveDeps } from '../workflow/order-moves.js';
import { orderStore } from './clients/dynamo.js';
import { workQueue } from './clients/sqs.js';

export const workflowLogger = {
  info: (message: string, attributes?: Record<string, unknown>) => logger.info(message, attributes ?? {}),
  warn: (message: string, attributes?: Record<string, unknown>) => logger.warn(message, attributes ?? {}),
};

/** What order moves need, without Transatel (the events worker has no business calling it). */
export const orderMoveDeps = lazy(
  (): OrderMoveDeps => ({
    store: orderStore(),
    queue: workQueue(),
    now: () => new Date(),
    logger: workflowLogger,
  }),
);
