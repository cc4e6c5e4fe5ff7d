import { SendMessageCommand } from '@aws-sdk/client-sqs';
import type { ReportMessage } from '#shared/reports/report.js';
import { queueUrlEnv } from '#shared/topology/env-names.js';
import { loadConfig } from '../config.js';
import { reportQueueEnv } from '../env/reports.js';
import { sqsClient } from './sqs.js';

export { reportStore } from './report-store.js';

/** Queues a report for the report worker. */
export async function queueReport(message: ReportMessage): Promise<void> {
  await sqsClient().send(
    new SendMessageCommand({
      QueueUrl: loadConfig(reportQueueEnv)[queueUrlEnv.report],
      MessageBody: JSON.stringify(message),
    }),
  );
}
