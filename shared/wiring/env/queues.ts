import { queueUrlEnv } from '#shared/topology/env-names.js';
import * as z from '#shared/zod.js';
import { httpUrl } from '../config.js';

export const activationQueueEnv = z.object({ [queueUrlEnv.activation]: httpUrl() });

export const planQueueEnv = z.object({ [queueUrlEnv.plan]: httpUrl() });

export const eventsQueueEnv = z.object({ [queueUrlEnv.events]: httpUrl() });

/** The workflow queues a function may send to: each URL is there when infra gave it one. */
export const workflowQueueUrlsEnv = z.object({
  [queueUrlEnv.activation]: z.optional(z.url()),
  [queueUrlEnv.plan]: z.optional(z.url()),
});
