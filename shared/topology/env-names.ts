/**
 * The environment variables through which infra (and the local runtime) hand resource names to the functions.
 * The functions' env schemas (shared/wiring/env/) are built from these names, so they are written once.
 */
export const queueUrlEnv = {
  activation: 'ACTIVATION_QUEUE_URL',
  plan: 'PLAN_QUEUE_URL',
  events: 'EVENTS_QUEUE_URL',
  policy: 'POLICY_QUEUE_URL',
  jobs: 'JOBS_QUEUE_URL',
  report: 'REPORT_QUEUE_URL',
} as const;
export type QueueName = keyof typeof queueUrlEnv;

export const tableNameEnv = {
  orders: 'ORDERS_TABLE_NAME',
  idempotency: 'IDEMPOTENCY_TABLE_NAME',
  catalog: 'CATALOG_TABLE_NAME',
  policies: 'POLICIES_TABLE_NAME',
  history: 'HISTORY_TABLE_NAME',
  jobs: 'JOBS_TABLE_NAME',
} as const;
export type TableName = keyof typeof tableNameEnv;

/** Days a SIM's history is kept (DynamoDB TTL); a stage setting, given to the functions that write or read it. */
export const HISTORY_RETENTION_ENV = 'HISTORY_RETENTION_DAYS';

export const EVENTS_TOPIC_ENV = 'EVENTS_TOPIC_ARN';
export const SECRET_ID_ENV = 'TRANSATEL_SECRET_ID';

/**
 * What a function that schedules jobs needs to create one-time schedules (EventBridge Scheduler): the schedule
 * group, the role the scheduler assumes, and the jobs queue it sends each job's start to.
 */
export const jobScheduleEnv = {
  group: 'JOB_SCHEDULE_GROUP',
  roleArn: 'JOB_SCHEDULE_ROLE_ARN',
  queueArn: 'JOBS_QUEUE_ARN',
} as const;

/** The stage's reports bucket: each report's record and content (shared/store/s3-report-store.ts). */
export const REPORTS_BUCKET_ENV = 'REPORTS_BUCKET_NAME';
/** The report worker's share of Transatel's rate limit, in requests per second (infra sets it). */
export const REPORT_MAX_RPS_ENV = 'REPORT_MAX_RPS';
