import { jobScheduleEnv, queueUrlEnv, tableNameEnv } from '#shared/topology/env-names.js';
import * as z from '#shared/zod.js';
import { httpUrl, nonEmptyString } from '../config.js';

export const jobsTableEnv = z.object({ [tableNameEnv.jobs]: nonEmptyString() });

export const jobsQueueEnv = z.object({ [queueUrlEnv.jobs]: httpUrl() });

/** The one-time schedules of scheduled jobs: where they go, and (locally) the scheduler's endpoint. */
export const jobScheduleEnvSchema = z.object({
  [jobScheduleEnv.group]: nonEmptyString(),
  [jobScheduleEnv.roleArn]: nonEmptyString(),
  [jobScheduleEnv.queueArn]: nonEmptyString(),
  AWS_REGION: z._default(nonEmptyString(), 'us-east-1'),
  /** The local runtime's scheduler; unset in AWS (the regional EventBridge Scheduler endpoint). */
  AWS_ENDPOINT_URL_SCHEDULER: z.optional(httpUrl()),
});
