import * as z from '#shared/zod.js';
import { httpUrl } from '../config.js';

export const activationQueueEnv = z.object({ ACTIVATION_QUEUE_URL: httpUrl() });

export const subscriptionQueueEnv = z.object({ SUBSCRIPTION_QUEUE_URL: httpUrl() });

export const eventsQueueEnv = z.object({ EVENTS_QUEUE_URL: httpUrl() });
