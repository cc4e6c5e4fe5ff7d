import { S3Client } from '@aws-sdk/client-s3';
import { lazy } from '#shared/lazy.js';
import { S3Objects } from '#shared/store/s3-objects.js';
import { S3ReportStore } from '#shared/store/s3-report-store.js';
import { REPORTS_BUCKET_ENV } from '#shared/topology/env-names.js';
import { awsClientConfig, S3_REQUEST_TIMEOUT_MS } from '../aws.js';
import { loadConfig } from '../config.js';
import { reportsBucketEnv } from '../env/reports.js';

/**
 * The reports bucket through the container's S3 client: path-style on an S3-compatible endpoint
 * (`AWS_ENDPOINT_URL_S3`, the local emulator), AWS's virtual-hosted URLs otherwise. A module of its own, without
 * the report queue's SQS client, which the report worker does not use.
 */
export const reportStore = lazy(() => {
  const env = loadConfig(reportsBucketEnv);
  const client = new S3Client({
    ...awsClientConfig({ requestTimeoutMs: S3_REQUEST_TIMEOUT_MS }),
    ...(env.AWS_ENDPOINT_URL_S3 ? { forcePathStyle: true } : {}),
  });
  return new S3ReportStore(new S3Objects({ client, bucket: env[REPORTS_BUCKET_ENV] }));
});
