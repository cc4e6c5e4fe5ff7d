import { S3Client } from '@aws-sdk/client-s3';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { lazy } from '#shared/lazy.js';
import type { ReportMessage } from '#shared/reports/report.js';
import { S3ReportStore } from '#shared/store/s3-report-store.js';
import { queueUrlEnv, REPORTS_BUCKET_ENV } from '#shared/topology/env-names.js';
import { awsClientSettings } from '../aws.js';
import { loadConfig } from '../config.js';
import { reportQueueEnv, reportsBucketEnv } from '../env/reports.js';
import { sqsClient } from './sqs.js';

/** The reports bucket: path-style on an S3-compatible endpoint (the local emulator), AWS's defaults otherwise. */
export const reportStore = lazy(() => {
  const env = loadConfig(reportsBucketEnv);
  const endpoint = env.AWS_ENDPOINT_URL_S3;
  const client = new S3Client({
    ...awsClientSettings(),
    ...(endpoint ? { endpoint, forcePathStyle: true } : {}),
  });
  return new S3ReportStore({
    client,
    bucket: env[REPORTS_BUCKET_ENV],
    ...(endpoint ? { endpoint } : {}),
  });
});

/** Queues a report for the report worker. */
export async function queueReport(message: ReportMessage): Promise<void> {
  await sqsClient().send(
    new SendMessageCommand({
      QueueUrl: loadConfig(reportQueueEnv)[queueUrlEnv.report],
      MessageBody: JSON.stringify(message),
    }),
  );
}
