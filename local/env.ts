import {
  EVENTS_TOPIC_ENV,
  jobScheduleEnv,
  type QueueName,
  queueUrlEnv,
  REPORTS_BUCKET_ENV,
  SECRET_ID_ENV,
  type TableName,
  tableNameEnv,
} from '../shared/topology.js';
import { LOCAL_ACCOUNT_ID, LOCAL_CREDENTIALS, LOCAL_REGION, type LocalEndpoints } from './aws.js';
import { LOCAL_STAGE, type Provisioned } from './provision.js';

/** Variables read from the caller's environment; anything else in it is ignored. */
export type SourceEnv = Readonly<Record<string, string | undefined>>;

export const WEBHOOK_SECRET_ENV = 'TRANSATEL_WEBHOOK_SECRET';

export const LOCAL_DEFAULTS = {
  webhookSecret: 'local-webhook-secret',
  clientId: 'local-client',
  clientSecret: 'local-secret',
  mvnoRef: 'M2MA_WW_TSL_LOCAL',
  activationDeadlineSeconds: '600',
  pollFirstDelaySeconds: '3',
  /** The simulator has no rate limit: reports read a local fleet in seconds, not minutes (the functions' 2). */
  reportMaxRps: '50',
  /** The functions' JSON logs stay quiet locally unless LOG_LEVEL asks for more. */
  logLevel: 'WARN',
} as const;

export class LocalConfigError extends Error {
  override readonly name = 'LocalConfigError';
}

/** Which Transatel the functions talk to, and with what. */
export type TransatelTarget =
  | { mode: 'simulator'; clientId: string; clientSecret: string; mvnoRef: string }
  | { mode: 'real'; baseUrl: string; clientId: string; clientSecret: string; mvnoRef: string };

export interface WebhookSecretChoice {
  secret: string;
  /** Where it came from: the option, the variable, or the local default (only that one is printed). */
  source: 'option' | 'env' | 'default';
}

function present(env: SourceEnv, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

/**
 * The real API when a base URL is given (option or TRANSATEL_BASE_URL), with its credentials from
 * the environment; otherwise the simulator. Messages name variables, never values.
 */
export function resolveTransatelTarget(env: SourceEnv, baseUrlOption?: string): TransatelTarget {
  const baseUrl = baseUrlOption ?? present(env, 'TRANSATEL_BASE_URL');
  if (!baseUrl) {
    return {
      mode: 'simulator',
      clientId: present(env, 'TRANSATEL_CLIENT_ID') ?? LOCAL_DEFAULTS.clientId,
      clientSecret: present(env, 'TRANSATEL_CLIENT_SECRET') ?? LOCAL_DEFAULTS.clientSecret,
      mvnoRef: present(env, 'TRANSATEL_MVNO_REF') ?? LOCAL_DEFAULTS.mvnoRef,
    };
  }
  const required = ['TRANSATEL_CLIENT_ID', 'TRANSATEL_CLIENT_SECRET', 'TRANSATEL_MVNO_REF'];
  const missing = required.filter((name) => present(env, name) === undefined);
  if (missing.length > 0) {
    throw new LocalConfigError(
      `TRANSATEL_BASE_URL is set, so the real Transatel API is used and ${missing.join(', ')} ` +
        `must be set too (missing). Unset TRANSATEL_BASE_URL to use the simulator.`,
    );
  }
  const [clientId = '', clientSecret = '', mvnoRef = ''] = required.map((name) => present(env, name));
  return { mode: 'real', baseUrl, clientId, clientSecret, mvnoRef };
}

export function resolveWebhookSecret(env: SourceEnv, option?: string): WebhookSecretChoice {
  if (option) return { secret: option, source: 'option' };
  const fromEnv = present(env, WEBHOOK_SECRET_ENV);
  if (fromEnv) return { secret: fromEnv, source: 'env' };
  return { secret: LOCAL_DEFAULTS.webhookSecret, source: 'default' };
}

/** The name of the local Transatel secret (infra's is `iot-capped-plans/<stage>/transatel`). */
export const LOCAL_SECRET_NAME = `iot-capped-plans/${LOCAL_STAGE}/transatel`;

/** The Transatel secret's JSON, as deploy.md has it put in Secrets Manager: the credentials and webhook secret. */
export function localTransatelSecret(transatel: TransatelTarget, webhookSecret: string): string {
  return JSON.stringify({
    clientId: transatel.clientId,
    clientSecret: transatel.clientSecret,
    webhookSecrets: [webhookSecret],
  });
}

export interface FunctionEnvInput {
  source: SourceEnv;
  endpoints: LocalEndpoints;
  resources: Provisioned;
  transatel: TransatelTarget;
  /** The simulator's URL in simulator mode. */
  transatelBaseUrl: string;
  /** The stand-in Secrets Manager (local/secrets-manager.ts) and the Transatel secret's ARN there. */
  secret: { endpoint: string; id: string };
  /** The local scheduler (local/job-scheduler.ts), for scheduled jobs. */
  schedulerUrl?: string;
}

/** Tuning variables the functions read that the caller may set; passed through when present. */
const passThrough = [
  'TRANSATEL_COS',
  'TRANSATEL_RATE_PLAN',
  'TRANSATEL_DEFAULT_OPTIONS',
  'PLAN_CLAIM_LEASE_SECONDS',
  'TRANSATEL_MAX_RPS',
  'CATALOG_CACHE_SECONDS',
  'PLAN_CHECK_CACHE_SECONDS',
  'PLAN_CHECK_MAX_AGE_SECONDS',
  'HISTORY_RETENTION_DAYS',
  'POWERTOOLS_LOG_LEVEL',
  'POLICY_SWEEP_MAX_RPS',
  'POLICY_CACHE_SECONDS',
  'TRANSATEL_SECRET_CACHE_SECONDS',
] as const;

/**
 * The environment every function sees (one process runs them all, so it is the union of what each
 * needs). `undefined` means "unset it": variables that would send the SDK elsewhere.
 */
export function functionEnv(input: FunctionEnvInput): Record<string, string | undefined> {
  const { source, resources, transatel } = input;
  const queueNames = Object.keys(queueUrlEnv) as QueueName[];
  return {
    STAGE: LOCAL_STAGE,
    LOG_LEVEL: present(source, 'LOG_LEVEL') ?? LOCAL_DEFAULTS.logLevel,
    AWS_REGION: LOCAL_REGION,
    AWS_DEFAULT_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    AWS_SESSION_TOKEN: undefined,
    AWS_PROFILE: undefined,
    // One AWS_ENDPOINT_URL cannot serve fauxqs and dynalite (two ports): the SDK's per-service
    // variables do. SQS's is the queue URLs' own origin, so the SDK keeps calls on it without warning.
    AWS_ENDPOINT_URL: undefined,
    AWS_ENDPOINT_URL_SQS: new URL(resources.queues.activation.url).origin,
    AWS_ENDPOINT_URL_SNS: input.endpoints.sns,
    AWS_ENDPOINT_URL_DYNAMODB: input.endpoints.dynamodb,
    // fauxqs serves S3 on its SQS port: the reports bucket (path-style, shared/wiring/clients/report-store.ts).
    AWS_ENDPOINT_URL_S3: input.endpoints.sqs,
    [REPORTS_BUCKET_ENV]: resources.reportsBucket,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED:
      present(source, 'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED') ?? 'true',
    ...Object.fromEntries(
      (Object.keys(tableNameEnv) as TableName[]).map((name) => [tableNameEnv[name], resources.tables[name]]),
    ),
    ...Object.fromEntries(queueNames.map((name) => [queueUrlEnv[name], resources.queues[name].url])),
    [EVENTS_TOPIC_ENV]: resources.topicArn,
    AWS_ENDPOINT_URL_SCHEDULER: input.schedulerUrl,
    [jobScheduleEnv.group]: `${LOCAL_STAGE}-jobs`,
    [jobScheduleEnv.roleArn]: `arn:aws:iam::${LOCAL_ACCOUNT_ID}:role/${LOCAL_STAGE}-job-scheduler`,
    [jobScheduleEnv.queueArn]: resources.queues.jobs.arn,
    TRANSATEL_BASE_URL: transatel.mode === 'real' ? transatel.baseUrl : input.transatelBaseUrl,
    TRANSATEL_MVNO_REF: transatel.mvnoRef,
    // The credentials are in the secret only, read with the SDK's client from the stand-in Secrets Manager as in
    // AWS: none in the functions' environment.
    [SECRET_ID_ENV]: input.secret.id,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: input.secret.endpoint,
    TRANSATEL_CLIENT_ID: undefined,
    TRANSATEL_CLIENT_SECRET: undefined,
    [WEBHOOK_SECRET_ENV]: undefined,
    TRANSATEL_WEBHOOK_SECRETS: undefined,
    ACTIVATION_DEADLINE_SECONDS:
      present(source, 'ACTIVATION_DEADLINE_SECONDS') ?? LOCAL_DEFAULTS.activationDeadlineSeconds,
    POLL_FIRST_DELAY_SECONDS:
      present(source, 'POLL_FIRST_DELAY_SECONDS') ?? LOCAL_DEFAULTS.pollFirstDelaySeconds,
    REPORT_MAX_RPS: present(source, 'REPORT_MAX_RPS') ?? LOCAL_DEFAULTS.reportMaxRps,
    ...Object.fromEntries(passThrough.map((name) => [name, present(source, name)])),
  };
}

/**
 * Writes `env` into `target` (process.env by default) and returns a function that puts the previous
 * values back. Applied before the first handler import: the functions read it lazily on first use.
 */
export function applyEnv(
  env: Record<string, string | undefined>,
  target: Record<string, string | undefined> = process.env,
): () => void {
  const previous = Object.fromEntries(Object.keys(env).map((name) => [name, target[name]]));
  const write = (values: Record<string, string | undefined>) => {
    for (const [name, value] of Object.entries(values)) {
      if (value === undefined) delete target[name];
      else target[name] = value;
    }
  };
  write(env);
  return () => write(previous);
}
