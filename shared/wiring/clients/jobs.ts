import { SchedulerClient } from '@aws-sdk/client-scheduler';
import type { JobStore } from '#shared/jobs/job.js';
import type { JobQueue, JobScheduler } from '#shared/jobs/messages.js';
import { lazy } from '#shared/lazy.js';
import { DynamoJobStore } from '#shared/store/dynamo-job-store.js';
import { jobScheduleEnv, queueUrlEnv } from '#shared/topology/env-names.js';
import { awsClientConfig } from '../aws.js';
import { loadConfig } from '../config.js';
import { jobScheduleEnvSchema, jobsQueueEnv, jobsTableEnv } from '../env/jobs.js';
import { SqsJobQueue } from '../job-queue.js';
import { EventBridgeJobScheduler } from '../job-scheduler.js';
import { documentClient } from './document-client.js';
import { sqsClient } from './sqs.js';

/** The jobs table, on the container's DynamoDB document client. */
export const jobStore = lazy((): JobStore => {
  const { JOBS_TABLE_NAME } = loadConfig(jobsTableEnv);
  return new DynamoJobStore({ client: documentClient(), tableName: JOBS_TABLE_NAME });
});

export const jobQueue = lazy((): JobQueue => {
  const env = loadConfig(jobsQueueEnv);
  return new SqsJobQueue({ client: sqsClient(), queueUrl: env[queueUrlEnv.jobs] });
});

export const jobScheduler = lazy((): JobScheduler => {
  const env = loadConfig(jobScheduleEnvSchema);
  return new EventBridgeJobScheduler({
    client: new SchedulerClient(awsClientConfig()),
    groupName: env[jobScheduleEnv.group],
    roleArn: env[jobScheduleEnv.roleArn],
    queueArn: env[jobScheduleEnv.queueArn],
  });
});
