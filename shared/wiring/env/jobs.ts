import { jobScheduleEnv, queueUrlEnv, tableNameEnv } from '#shared/topology/env-names.js';
import * as z from '#shared/zod.js';
import { httpUrl, nonEmptyString } from '../config.js';

export const jobsTableEnv = z.object({ [tableNameEnv.jobs]: nonEmptyString() });

export const jobsQueueEnv = z.object({ [queueUrlEnv.jobs]: httpUrl() });

/** The one-time schedules of scheduled jobs: their group, and where they send (with which role). */
export const jobScheduleEnvSchema = z.object({
  [jobScheduleEnv.group]: nonEmptyString(),
  [jobScheduleEnv.roleArn]: nonEmptyString(),
  [jobScheduleEnv.queueArn]: nonEmptyString(),
});
