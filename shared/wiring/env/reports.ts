import { queueUrlEnv, REPORT_MAX_RPS_ENV, REPORTS_BUCKET_ENV } from '#shared/topology/env-names.js';
import * as z from '#shared/zod.js';
import { httpUrl, nonEmptyString } from '../config.js';

/** The stage's reports bucket; locally the emulator's S3 endpoint (AWS_ENDPOINT_URL_S3), path-style. */
export const reportsBucketEnv = z.object({
  [REPORTS_BUCKET_ENV]: nonEmptyString(),
  AWS_ENDPOINT_URL_S3: z.optional(httpUrl()),
});

export const reportQueueEnv = z.object({ [queueUrlEnv.report]: httpUrl() });

/** The report worker's share of Transatel's rate limit (infra: 10 % of the stage's limit, split per run). */
export const reportPacingEnv = z.object({
  [REPORT_MAX_RPS_ENV]: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(1_000)), 2),
});
