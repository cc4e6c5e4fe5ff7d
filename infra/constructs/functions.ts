import { resolve } from 'node:path';
import { Duration } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Architecture, type IFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { LogLevel, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { ILogGroup } from 'aws-cdk-lib/aws-logs';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
import {
  EVENTS_TOPIC_ENV,
  type FunctionName,
  type FunctionSpec,
  functions as functionSpecs,
  HISTORY_RETENTION_ENV,
  type QueueName,
  type QueueSpec,
  queueUrlEnv,
  REPORT_MAX_RPS_ENV,
  REPORTS_BUCKET_ENV,
  SECRET_ID_ENV,
  tableNameEnv,
} from '#shared/topology.js';
import { aliasEsbuildArgs, ESM_REQUIRE_BANNER } from '../bundling.js';
import { suppressGuard } from '../guard.js';
import { entriesOf, mapRecord } from '../records.js';
import type { StageConfig } from '../stages.js';
import { stageLogGroup } from './log-group.js';
import type { Notifications } from './notifications.js';
import type { QueuePair } from './queues.js';
import type { Reports } from './reports.js';
import type { Store } from './store.js';

export interface FunctionsProps {
  stage: StageConfig;
  namePrefix: string;
  /** Absolute path of the project root: topology entries are relative to it. */
  projectRoot: string;
  store: Pick<Store, 'tables' | 'grant'>;
  queues: Readonly<Record<QueueName, QueuePair>>;
  notifications: Pick<Notifications, 'eventsTopic' | 'grantPublishEvents'>;
  secret: ISecret;
  reports: Pick<Reports, 'bucket' | 'grant'>;
  /** The stage's key, for the log groups. */
  encryptionKey: IKey;
}

/** The reports' share of Transatel's rate limit, split between the report runs that may go at once. */
export const REPORT_RATE_SHARE = 0.1;

/**
 * Workers that read the Transatel secret are the ones calling Transatel, so the stage's concurrency
 * ceiling toward Transatel applies to them.
 */
export function callsTransatel(spec: FunctionSpec): boolean {
  return spec.readsSecret === true;
}

/** A queue consumer whose Transatel calls take a share of the workflow workers' part of the rate limit. */
export function pacedAsWorker(spec: FunctionSpec): boolean {
  return callsTransatel(spec) && spec.occasionalTransatelCalls !== true;
}

/** The concurrency cap of a queue's event source mapping: Transatel callers are held to the stage's ceiling. */
export function consumerMaxConcurrency(
  consumer: FunctionSpec,
  queue: Pick<QueueSpec, 'maxConcurrency'>,
  stage: Pick<StageConfig, 'transatel'>,
): number {
  return callsTransatel(consumer)
    ? Math.min(queue.maxConcurrency, stage.transatel.maxConcurrency)
    : queue.maxConcurrency;
}

/**
 * TRANSATEL_MAX_RPS of each SQS consumer that calls Transatel: floor(0.8 × limit / concurrency), at least 1,
 * where limit is the account's Transatel rate limit and concurrency the sum of those consumers' effective
 * maxConcurrency (the most containers they can run at once). The workers thus share 80 % of the limit; the
 * remaining 20 % is headroom for the API functions and catalog-sync, which stay unpaced (interactive, low
 * volume; a 429 there is retried and surfaces as 503 with Retry-After). With more containers than 0.8 × limit,
 * the minimum of 1 lets the workers exceed their 80 %.
 */
export function workerRequestsPerSecond(limit: number, concurrency: number): number {
  if (!Number.isInteger(limit) || limit < 1) {
    throw new RangeError(`rate limit ${limit} is not a positive integer`);
  }
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new RangeError(`concurrency ${concurrency} is not a positive integer`);
  }
  // 0.8 as 4/5, so the division is of integers.
  return Math.max(1, Math.floor((4 * limit) / (5 * concurrency)));
}

/**
 * One NodejsFunction per topology function, each with its own role, log group and environment, and
 * the grants and event sources its FunctionSpec and the queues' consumers call for, nothing more.
 */
export class Functions extends Construct {
  readonly functions: Record<FunctionName, IFunction>;
  readonly logGroups: Partial<Record<FunctionName, ILogGroup>> = {};

  constructor(scope: Construct, id: string, props: FunctionsProps) {
    super(scope, id);
    const { stage } = props;

    const transatelConsumers = Object.values(props.queues).filter(({ spec: queue }) =>
      pacedAsWorker(functionSpecs[queue.consumer]),
    );
    const limit = stage.transatel.maxRequestsPerSecond;
    const workerRps =
      limit === undefined || transatelConsumers.length === 0
        ? undefined
        : workerRequestsPerSecond(
            limit,
            transatelConsumers.reduce(
              (sum, { spec: queue }) =>
                sum + consumerMaxConcurrency(functionSpecs[queue.consumer], queue, stage),
              0,
            ),
          );

    this.functions = mapRecord(functionSpecs, (spec, name) => {
      const functionName = `${props.namePrefix}-${name}`;

      const logGroup = stageLogGroup(this, `${name}-logs`, {
        logGroupName: `/aws/lambda/${functionName}`,
        stage,
        encryptionKey: props.encryptionKey,
      });
      this.logGroups[name] = logGroup;
      // Our own role instead of AWSLambdaBasicExecutionRole, whose log permissions on "*" reach every log group.
      const role = new Role(this, `${name}-role`, {
        assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
        description: `Execution role of ${functionName}`,
      });
      logGroup.grantWrite(role);

      const environment: Record<string, string> = {
        STAGE: stage.name,
        LOG_LEVEL: stage.logging.level,
        POWERTOOLS_SERVICE_NAME: name,
        TRANSATEL_BASE_URL: stage.transatel.baseUrl,
        TRANSATEL_MVNO_REF: stage.transatel.mvnoRef,
        TRANSATEL_COS: stage.transatel.cos,
        TRANSATEL_RATE_PLAN: stage.transatel.ratePlan,
        TRANSATEL_DEFAULT_OPTIONS: JSON.stringify(stage.transatel.defaultOptions),
        ACTIVATION_DEADLINE_SECONDS: String(stage.activationDeadlineSeconds),
      };

      const fn = new NodejsFunction(this, name, {
        functionName,
        description: spec.description,
        entry: resolve(props.projectRoot, spec.entry),
        handler: 'handler',
        projectRoot: props.projectRoot,
        depsLockFilePath: resolve(props.projectRoot, 'package-lock.json'),
        runtime: Runtime.NODEJS_22_X,
        architecture: Architecture.ARM_64,
        memorySize: spec.memoryMb,
        timeout: Duration.seconds(spec.timeoutSeconds),
        role,
        logGroup,
        environment,
        bundling: {
          forceDockerBundling: false,
          format: OutputFormat.ESM,
          minify: true,
          // The map ships beside the bundle for the logger, which maps the stacks of the errors it logs on
          // first need (shared/lambda/source-mapped-stack.ts). No NODE_OPTIONS=--enable-source-maps: Node
          // would read and parse the map at every cold start, a measurable cost (docs/design.md). Line
          // mappings only: the sources themselves would be most of its bytes, for no gain in stack traces.
          sourceMap: true,
          sourcesContent: false,
          mainFields: ['module', 'main'],
          banner: ESM_REQUIRE_BANNER,
          esbuildArgs: aliasEsbuildArgs(),
          // Bundle the AWS SDK rather than load the runtime's copy: one pinned version, faster cold starts.
          externalModules: [],
          logLevel: LogLevel.WARNING,
        },
      });

      for (const { name: table, access } of spec.tables ?? []) {
        fn.addEnvironment(tableNameEnv[table], props.store.tables[table].tableName);
        props.store.grant(fn, table, access);
        // Writers stamp each entry's expiry with it; the reader hides order steps older than it.
        if (table === 'history')
          fn.addEnvironment(HISTORY_RETENTION_ENV, String(stage.history.retentionDays));
      }
      for (const queue of spec.sendsTo ?? []) {
        fn.addEnvironment(queueUrlEnv[queue], props.queues[queue].queue.queueUrl);
        props.queues[queue].queue.grantSendMessages(fn);
      }
      if (spec.publishesEvents) {
        fn.addEnvironment(EVENTS_TOPIC_ENV, props.notifications.eventsTopic.topicArn);
        props.notifications.grantPublishEvents(fn);
      }
      if (name === 'policy-sweep' && limit !== undefined) {
        // The sweep keeps to its own share, whatever the workers' pacing (shared/policies/sweep.ts).
        fn.addEnvironment(
          'POLICY_SWEEP_MAX_RPS',
          String(Math.max(1, Math.floor(limit * stage.policies.sweepRateShare))),
        );
      }
      if (spec.reportsBucket) {
        fn.addEnvironment(REPORTS_BUCKET_ENV, props.reports.bucket.bucketName);
        props.reports.grant(role, spec.reportsBucket);
      }
      if (name === 'report-worker' && limit !== undefined) {
        const runs = props.queues.report.spec.maxConcurrency;
        fn.addEnvironment(
          REPORT_MAX_RPS_ENV,
          String(Math.max(1, Math.floor((limit * REPORT_RATE_SHARE) / runs))),
        );
      }
      if (spec.readsSecret) {
        // The function reads the secret with the Secrets Manager API (no layer): GetSecretValue on this secret
        // only, and kms:Decrypt should the secret ever be under a customer-managed key.
        fn.addEnvironment(SECRET_ID_ENV, props.secret.secretArn);
        props.secret.grantRead(role);
      }

      for (const [, { queue, spec: queueSpec }] of entriesOf(props.queues)) {
        if (queueSpec.consumer !== name) continue;
        const maxConcurrency = consumerMaxConcurrency(spec, queueSpec, stage);
        if (workerRps !== undefined && pacedAsWorker(spec)) {
          fn.addEnvironment('TRANSATEL_MAX_RPS', String(workerRps));
        }
        fn.addEventSource(
          new SqsEventSource(queue, {
            batchSize: queueSpec.batchSize,
            ...(queueSpec.maxBatchingWindowSeconds > 0
              ? { maxBatchingWindow: Duration.seconds(queueSpec.maxBatchingWindowSeconds) }
              : {}),
            reportBatchItemFailures: true,
            maxConcurrency,
          }),
        );
      }

      NagSuppressions.addResourceSuppressions(fn, [
        {
          id: 'AwsSolutions-L1',
          reason:
            'Pinned to nodejs22.x on purpose: the toolchain (middy 6, Powertools 2.35, the esbuild target) is ' +
            'verified on Node 22; move to the next LTS runtime deliberately, not implicitly.',
        },
      ]);
      suppressGuard(fn, {
        lambda_inside_vpc_check:
          'The functions call Transatel on the internet and AWS public endpoints and hold no network-reachable ' +
          'data: a VPC would need NAT gateways (a fixed monthly cost per AZ and a new failure point) and would ' +
          'protect nothing; IAM scopes what each function may reach.',
      });
      return fn;
    });
  }
}
