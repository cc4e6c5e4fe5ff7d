import { EVENTS_TOPIC_ENV } from '#shared/topology/env-names.js';
import * as z from '#shared/zod.js';
import { expected } from '../config.js';

export const eventsTopicEnv = z.object({
  [EVENTS_TOPIC_ENV]: z.string({ error: expected('must be an SNS topic ARN') }).check(
    z.regex(/^arn:[^:]+:sns:[^:]*:[^:]*:[^:]+$/, {
      error: 'must be an SNS topic ARN',
    }),
  ),
});
