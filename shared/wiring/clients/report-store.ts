import { lazy } from '#shared/lazy.js';
import { S3Objects } from '#shared/store/s3-objects.js';
import { S3ReportStore } from '#shared/store/s3-report-store.js';
import { REPORTS_BUCKET_ENV } from '#shared/topology/env-names.js';
import { loadConfig } from '../config.js';
import { environmentCredentials } from '../credentials.js';
import { reportsBucketEnv } from '../env/reports.js';

/**
 * The reports bucket, through SigV4-signed requests with the function's own credentials (no S3 client):
 * path-style on an S3-compatible endpoint (the local emulator), AWS's virtual-hosted URLs otherwise. A module
 * of its own, without the report queue's SQS client, which the report worker does not use.
 */
export const reportStore = lazy(() => {
  const env = loadConfig(reportsBucketEnv);
  return new S3ReportStore(
    new S3Objects({
      bucket: env[REPORTS_BUCKET_ENV],
      region: env.AWS_REGION,
      credentials: environmentCredentials,
      endpoint: env.AWS_ENDPOINT_URL_S3,
    }),
  );
});
