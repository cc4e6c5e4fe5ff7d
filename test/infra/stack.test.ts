import { Annotations, Match, type Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NONCURRENT_VERSION_DAYS, REPORT_RETENTION_DAYS } from '#infra/constructs/reports.js';
import { SCHEDULE_RETRY_ATTEMPTS } from '#infra/constructs/schedules.js';
import { tableDefinitions } from '#infra/constructs/store.js';
import { guardMetadataOf, suppressibleGuardRules } from '#infra/guard.js';
import { loadStageConfig, resourcePrefix, type StageConfig, stageNames } from '#infra/stages.js';
import {
  DLQ_RETENTION_DAYS,
  EVENTS_TOPIC_ENV,
  type FunctionName,
  functions,
  HISTORY_RETENTION_ENV,
  jobScheduleEnv,
  type QueueName,
  queues,
  queueUrlEnv,
  REPORTS_BUCKET_ENV,
  routes,
  SECRET_ID_ENV,
  type TableName,
  tableNameEnv,
} from '#shared/topology.js';
import { envSchema, loadConfig } from '#shared/wiring/config.js';
import { runtimeEnv } from '#shared/wiring/env/runtime.js';
import { transatelApiEnv } from '#shared/wiring/env/transatel.js';
import { activationDeadlineEnv } from '#shared/wiring/env/workflow.js';
import {
  actionsOf,
  environmentOf,
  literalStrings,
  logicalIdOf,
  type PolicyStatement,
  referencedIds,
  resourceList,
  resourcesOfType,
  roleOfFunction,
} from './cfn.js';
import { synthStage } from './synth.js';

const functionNames = Object.keys(functions) as FunctionName[];
const queueNames = Object.keys(queues) as QueueName[];
const tableNames = Object.keys(tableDefinitions) as TableName[];
const scheduledNames = functionNames.filter((name) => functions[name].scheduleMinutes !== undefined);

interface NagMetadata {
  rules_to_suppress?: { id: string; reason: string }[];
}

const tableReadActions = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'];
const tableWriteActions = [
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
];

describe.each(stageNames)('stack of stage %s', (stageName) => {
  let template: Template;
  let annotations: Annotations;
  let stage: StageConfig;
  let dispose: (() => void) | undefined;
  const prefix = resourcePrefix(stageName);

  const fnId = (name: FunctionName) =>
    logicalIdOf(template, 'AWS::Lambda::Function', 'FunctionName', `${prefix}-${name}`);
  const queueId = (name: QueueName) =>
    logicalIdOf(template, 'AWS::SQS::Queue', 'QueueName', `${prefix}-${name}`);
  const dlqId = (name: QueueName) =>
    logicalIdOf(template, 'AWS::SQS::Queue', 'QueueName', `${prefix}-${name}-dlq`);
  const tableId = (name: TableName) =>
    logicalIdOf(template, 'AWS::DynamoDB::Table', 'TableName', `${prefix}-${name}`);
  const topicId = (name: string) =>
    logicalIdOf(template, 'AWS::SNS::Topic', 'TopicName', `${prefix}-${name}`);
  const ruleId = (name: FunctionName) =>
    logicalIdOf(template, 'AWS::Events::Rule', 'Name', `${prefix}-${name}`);
  const secretId = () =>
    logicalIdOf(template, 'AWS::SecretsManager::Secret', 'Name', `iot-capped-plans/${stageName}/transatel`);
  const bucketId = () => logicalIdOf(template, 'AWS::S3::Bucket', 'BucketName', `${prefix}-reports`);
  const accessLogsId = () => {
    const [id, ...others] = Object.keys(resourcesOfType(template, 'AWS::S3::Bucket')).filter(
      (candidate) => candidate !== bucketId(),
    );
    expect(others).toEqual([]);
    return id as string;
  };
  const keyId = () => {
    const [id, ...others] = Object.keys(resourcesOfType(template, 'AWS::KMS::Key'));
    expect(others).toEqual([]);
    return id as string;
  };
  const stageKey = () => ({ 'Fn::GetAtt': [keyId(), 'Arn'] });
  const logGroupId = (name: FunctionName) =>
    logicalIdOf(template, 'AWS::Logs::LogGroup', 'LogGroupName', `/aws/lambda/${prefix}-${name}`);
  const statementsOf = (name: FunctionName): PolicyStatement[] =>
    roleOfFunction(template, fnId(name)).statements;
  const actionsOn = (name: FunctionName, resourceId: string): string[] =>
    statementsOf(name)
      .filter((statement) => referencedIds(statement.Resource).has(resourceId))
      .flatMap(actionsOf);

  afterAll(() => dispose?.());

  beforeAll(() => {
    // One synthesis per stage serves every assertion, cdk-nag's included (it only adds annotations). With the
    // Control Tower controls too: synthesis throws on any violation the template does not suppress.
    const synthesized = synthStage(stageName, { nag: true, guard: true });
    template = synthesized.template;
    annotations = Annotations.fromStack(synthesized.stack);
    dispose = synthesized.dispose;
    stage = loadStageConfig(stageName, {}, {});
  });

  describe('functions', () => {
    it('has the 22 functions and 6 tables of the topology', () => {
      expect(functionNames).toHaveLength(22);
      expect([...tableNames].sort()).toEqual([
        'catalog',
        'history',
        'idempotency',
        'jobs',
        'orders',
        'policies',
      ]);
      template.resourceCountIs('AWS::Lambda::Function', 22);
      template.resourceCountIs('AWS::DynamoDB::Table', 6);
    });

    it('has one Node 22 arm64 function per topology function, sized as the topology says', () => {
      expect(Object.keys(resourcesOfType(template, 'AWS::Lambda::Function'))).toHaveLength(
        functionNames.length,
      );
      for (const name of functionNames) {
        template.hasResourceProperties('AWS::Lambda::Function', {
          FunctionName: `${prefix}-${name}`,
          Runtime: 'nodejs22.x',
          Architectures: ['arm64'],
          Handler: 'index.handler',
          MemorySize: functions[name].memoryMb,
          Timeout: functions[name].timeoutSeconds,
        });
      }
    });

    it('gives each function only the environment its access needs', () => {
      const common = [
        'STAGE',
        'LOG_LEVEL',
        'POWERTOOLS_SERVICE_NAME',
        'TRANSATEL_BASE_URL',
        'TRANSATEL_MVNO_REF',
        'TRANSATEL_COS',
        'TRANSATEL_RATE_PLAN',
        'TRANSATEL_DEFAULT_OPTIONS',
        'ACTIVATION_DEADLINE_SECONDS',
      ];
      for (const name of functionNames) {
        const spec = functions[name];
        const variables = environmentOf(template, fnId(name));
        const expected: Record<string, string> = {};
        for (const table of spec.tables ?? []) expected[tableNameEnv[table.name]] = tableId(table.name);
        for (const queue of spec.sendsTo ?? []) expected[queueUrlEnv[queue]] = queueId(queue);
        if (spec.publishesEvents) expected[EVENTS_TOPIC_ENV] = topicId('events');
        if (spec.readsSecret) expected[SECRET_ID_ENV] = secretId();
        if (spec.reportsBucket) expected[REPORTS_BUCKET_ENV] = bucketId();
        const history = spec.tables?.some((table) => table.name === 'history') ? [HISTORY_RETENTION_ENV] : [];
        // Checked in jobs.test.ts.
        const scheduling = spec.schedulesJobs ? Object.values(jobScheduleEnv) : [];

        expect(Object.keys(variables).sort(), name).toEqual(
          [...common, ...history, ...scheduling, ...Object.keys(expected)].sort(),
        );
        if (history.length > 0) {
          expect(variables[HISTORY_RETENTION_ENV], name).toBe(String(stage.history.retentionDays));
        }
        for (const [variable, target] of Object.entries(expected)) {
          expect([...referencedIds(variables[variable])], `${name} ${variable}`).toEqual([target]);
        }
        // Stacks are source-mapped by the logger on first need, not by Node at every cold start.
        expect(variables.NODE_OPTIONS).toBeUndefined();
        expect(variables.POWERTOOLS_SERVICE_NAME).toBe(name);
      }
    });

    it('gives no function a layer: the secret readers call Secrets Manager themselves, on their secret only', () => {
      for (const name of functionNames) {
        const resource = template.toJSON().Resources[fnId(name)] as { Properties: { Layers?: unknown[] } };
        expect(resource.Properties.Layers, name).toBeUndefined();
        const secretStatements = statementsOf(name).filter((statement) =>
          actionsOf(statement).some((action) => action.startsWith('secretsmanager:')),
        );
        if (!functions[name].readsSecret) {
          expect(secretStatements, name).toEqual([]);
          continue;
        }
        expect(secretStatements.flatMap(actionsOf).sort(), name).toEqual([
          'secretsmanager:DescribeSecret',
          'secretsmanager:GetSecretValue',
        ]);
        for (const statement of secretStatements) {
          expect(resourceList(statement), name).toEqual([{ Ref: secretId() }]);
        }
        expect(environmentOf(template, fnId(name))[SECRET_ID_ENV], name).toEqual({ Ref: secretId() });
      }
    });

    it('gives every function at least 10 s', () => {
      // The AWS SDK clients connect within 1 s and give an attempt 2 s, 3 attempts in all: one call that needs
      // every attempt takes up to ~7 s with backoff, which a 5 s function would not live to see end.
      for (const name of functionNames) {
        expect(functions[name].timeoutSeconds, name).toBeGreaterThanOrEqual(10);
        const fn = resourcesOfType(template, 'AWS::Lambda::Function')[fnId(name)];
        expect(fn?.Properties.Timeout, name).toBeGreaterThanOrEqual(10);
      }
    });

    it("passes the runtime's own environment schema", () => {
      for (const name of functionNames) {
        const variables = environmentOf(template, fnId(name));
        const literal = Object.fromEntries(
          Object.entries(variables).filter(
            (entry): entry is [string, string] => typeof entry[1] === 'string',
          ),
        );
        const config = loadConfig(envSchema(runtimeEnv, transatelApiEnv, activationDeadlineEnv), literal);
        expect(config.STAGE).toBe(stageName);
        expect(config.TRANSATEL_MVNO_REF).toBe(stage.transatel.mvnoRef);
        expect(config.ACTIVATION_DEADLINE_SECONDS).toBe(stage.activationDeadlineSeconds);
      }
    });

    it('leaves the Transatel client unpaced: the stage has no agreed rate limit', () => {
      expect(stage.transatel.maxRequestsPerSecond).toBeUndefined();
      expect(JSON.stringify(template.toJSON())).not.toContain('TRANSATEL_MAX_RPS');
    });

    it("writes logs to its own log group with the stage retention, under the stage's key", () => {
      for (const name of functionNames) {
        template.hasResourceProperties('AWS::Lambda::Function', {
          FunctionName: `${prefix}-${name}`,
          LoggingConfig: { LogGroup: { Ref: logGroupId(name) } },
        });
        template.hasResourceProperties('AWS::Logs::LogGroup', {
          LogGroupName: `/aws/lambda/${prefix}-${name}`,
          RetentionInDays: stage.logging.retention,
          KmsKeyId: stageKey(),
        });
      }
      // Every log group of the stack, the API's access log included.
      for (const [id, logGroup] of Object.entries(resourcesOfType(template, 'AWS::Logs::LogGroup'))) {
        expect(logGroup.Properties.KmsKeyId, id).toEqual(stageKey());
        expect(logGroup.Properties.RetentionInDays, id).toBe(stage.logging.retention);
      }
      // Control Tower asks a year (CT.CLOUDWATCH.PR.2): prod keeps that, the test stages say why not.
      if (stageName === 'prod') expect(stage.logging.retention).toBe(365);
      else expect(stage.logging.retention).toBeLessThan(365);
    });
  });

  describe('least privilege', () => {
    it('reaches only its own log group, tables, queues, topic and secret, never a wildcard', () => {
      for (const name of functionNames) {
        const spec = functions[name];
        const { role, statements } = roleOfFunction(template, fnId(name));
        expect(role.Properties.ManagedPolicyArns, name).toBeUndefined();

        const allowed = new Set<string>([logGroupId(name)]);
        for (const table of spec.tables ?? []) allowed.add(tableId(table.name));
        for (const queue of spec.sendsTo ?? []) allowed.add(queueId(queue));
        for (const queue of queueNames) if (queues[queue].consumer === name) allowed.add(queueId(queue));
        if (spec.publishesEvents) allowed.add(topicId('events'));
        if (spec.readsSecret) allowed.add(secretId());
        // The reports' objects and listing, and the stage key through S3 to read and write them.
        if (spec.reportsBucket) {
          allowed.add(bucketId());
          allowed.add(keyId());
        }

        const reached = new Set<string>();
        for (const statement of statements) {
          expect(statement.Effect).toBe('Allow');
          // The job schedules' grants (a group's schedules, the scheduler's role): checked in jobs.test.ts.
          const scheduling = (action: string) => action.startsWith('scheduler:') || action === 'iam:PassRole';
          if (spec.schedulesJobs && actionsOf(statement).every(scheduling)) continue;
          for (const resource of resourceList(statement)) {
            const ids = referencedIds(resource);
            expect(ids.size, `${name}: a resource that is not one of ours`).toBe(1);
            for (const id of ids) reached.add(id);
            // `<log group arn>` already ends in :*; the reports bucket's objects are `<bucket arn>/*` (report ids
            // are made at run time); everything else must be literal-free of wildcards.
            const objectsOfBucket = spec.reportsBucket !== undefined && ids.has(bucketId());
            for (const text of literalStrings(resource))
              if (!(objectsOfBucket && text === '/*')) expect(text, name).not.toContain('*');
          }
          for (const action of actionsOf(statement)) expect(action, name).not.toContain('*');
        }
        expect([...reached].sort(), name).toEqual([...allowed].sort());
      }
    });

    it('grants table writes only for readWrite access, and only on the named indexes', () => {
      for (const name of functionNames) {
        for (const table of tableNames) {
          const access = functions[name].tables?.find((entry) => entry.name === table)?.access;
          const actions = actionsOn(name, tableId(table));
          if (access === undefined) expect(actions, `${name} ${table}`).toEqual([]);
          else if (access === 'append')
            expect([...actions].sort(), `${name} ${table}`).toEqual([
              'dynamodb:BatchWriteItem',
              'dynamodb:PutItem',
            ]);
          else if (access === 'read') {
            expect(actions, `${name} ${table}`).toContain('dynamodb:GetItem');
            for (const write of tableWriteActions) expect(actions, `${name} ${table}`).not.toContain(write);
          } else {
            for (const write of tableWriteActions) expect(actions, `${name} ${table}`).toContain(write);
          }
          expect(actions, `${name} ${table}`).not.toContain('dynamodb:Scan');
        }
      }
    });

    it('lets a function send only to its sendsTo queues and consume only the queue it consumes', () => {
      for (const name of functionNames) {
        for (const queue of queueNames) {
          const actions = actionsOn(name, queueId(queue));
          const sends = functions[name].sendsTo?.includes(queue) ?? false;
          const consumes = queues[queue].consumer === name;
          expect(actions.includes('sqs:SendMessage'), `${name} -> ${queue}`).toBe(sends);
          expect(actions.includes('sqs:ReceiveMessage'), `${name} <- ${queue}`).toBe(consumes);
          expect(actions.includes('sqs:DeleteMessage'), `${name} <- ${queue}`).toBe(consumes);
          expect(actionsOn(name, dlqId(queue)), `${name} dlq ${queue}`).toEqual([]);
        }
      }
    });

    it('lets the history writers only write items to it (one by one or in batches), and only history-api and report-worker read it', () => {
      const writers = functionNames.filter((name) =>
        functions[name].tables?.some((table) => table.name === 'history' && table.access === 'append'),
      );
      expect(writers.sort()).toEqual(
        [
          'activation-api',
          'events-worker',
          'policy-worker',
          'review-api',
          'sims-api',
          'plan-api',
          'job-worker',
        ].sort(),
      );
      // The events worker files entries with its completions, an API call its audit entries, 25 to a BatchWriteItem.
      for (const name of writers)
        expect(actionsOn(name, tableId('history')).sort(), name).toEqual([
          'dynamodb:BatchWriteItem',
          'dynamodb:PutItem',
        ]);
      const readers = functionNames.filter((name) =>
        actionsOn(name, tableId('history')).includes('dynamodb:Query'),
      );
      // report-worker: the operator actions naming the orders of the spend report.
      expect(readers).toEqual(['history-api', 'report-worker']);
      expect(actionsOn('history-api', tableId('history')).sort()).toEqual([...tableReadActions].sort());
      expect(actionsOn('report-worker', tableId('history')).sort()).toEqual([...tableReadActions].sort());
      expect(actionsOn('history-api', tableId('orders')).sort()).toEqual([...tableReadActions].sort());
      const all = statementsOf('history-api').flatMap(actionsOf);
      expect(all.filter((action) => /^(sqs|sns|secretsmanager):/.test(action))).toEqual([]);
    });

    it('keeps orders-api read-only on the orders table', () => {
      const actions = actionsOn('orders-api', tableId('orders'));
      expect(actions).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:Query']));
      for (const write of tableWriteActions) expect(actions).not.toContain(write);
    });

    it('lets review-api, and no other API but the ordering ones, write orders; away from the secret', () => {
      const actions = actionsOn('review-api', tableId('orders'));
      expect(actions).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:UpdateItem']));
      const all = statementsOf('review-api').flatMap(actionsOf);
      expect(all.filter((action) => action.startsWith('secretsmanager:'))).toEqual([]);
      expect(all).toContain('sqs:SendMessage');
    });

    it('gives catalog-api no SQS, SNS or DynamoDB permission at all', () => {
      const actions = statementsOf('catalog-api').flatMap(actionsOf);
      expect(actions.filter((action) => /^(sqs|sns|dynamodb):/.test(action))).toEqual([]);
      expect(actions).toEqual(
        expect.arrayContaining([
          'secretsmanager:GetSecretValue',
          'logs:CreateLogStream',
          'logs:PutLogEvents',
        ]),
      );
    });

    it('keeps activation-api and plan-api read-only on the catalog table, away from the secret', () => {
      for (const name of ['activation-api', 'plan-api'] as const) {
        expect(actionsOn(name, tableId('catalog')).sort(), name).toEqual([...tableReadActions].sort());
        const actions = statementsOf(name).flatMap(actionsOf);
        expect(
          actions.filter((action) => action.startsWith('secretsmanager:')),
          name,
        ).toEqual([]);
        expect(environmentOf(template, fnId(name))[SECRET_ID_ENV], name).toBeUndefined();
      }
    });

    it('lets catalog-sync write the catalog table, read the secret, and touch no other table', () => {
      expect(actionsOn('catalog-sync', tableId('catalog')).sort()).toEqual(
        [...tableReadActions, ...tableWriteActions].sort(),
      );
      for (const table of tableNames.filter((candidate) => candidate !== 'catalog')) {
        expect(actionsOn('catalog-sync', tableId(table)), table).toEqual([]);
      }
      const dynamoTargets = new Set(
        statementsOf('catalog-sync')
          .filter((statement) => actionsOf(statement).some((action) => action.startsWith('dynamodb:')))
          .flatMap((statement) => [...referencedIds(statement.Resource)]),
      );
      expect([...dynamoTargets]).toEqual([tableId('catalog')]);
      expect(actionsOn('catalog-sync', secretId())).toContain('secretsmanager:GetSecretValue');
      const actions = statementsOf('catalog-sync').flatMap(actionsOf);
      expect(actions.filter((action) => /^(sqs|sns):/.test(action))).toEqual([]);
    });

    it('lets policies-api write the policies table and read the catalog copy, and nothing else', () => {
      expect(actionsOn('policies-api', tableId('policies')).sort()).toEqual(
        [...tableReadActions, ...tableWriteActions].sort(),
      );
      expect(actionsOn('policies-api', tableId('catalog')).sort()).toEqual([...tableReadActions].sort());
      for (const table of tableNames.filter((name) => name !== 'policies' && name !== 'catalog')) {
        expect(actionsOn('policies-api', tableId(table)), table).toEqual([]);
      }
      const actions = statementsOf('policies-api').flatMap(actionsOf);
      expect(actions.filter((action) => /^(sqs|sns|secretsmanager):/.test(action))).toEqual([]);
      const variables = environmentOf(template, fnId('policies-api'));
      expect(variables[SECRET_ID_ENV]).toBeUndefined();
      expect(variables.POLICIES_TABLE_NAME).toBeDefined();
      expect(variables.CATALOG_TABLE_NAME).toBeDefined();
    });

    it('lets only publishers publish events and only secret readers read the secret', () => {
      for (const name of functionNames) {
        expect(actionsOn(name, topicId('events')).includes('sns:Publish'), name).toBe(
          functions[name].publishesEvents === true,
        );
        expect(actionsOn(name, secretId()).includes('secretsmanager:GetSecretValue'), name).toBe(
          functions[name].readsSecret === true,
        );
      }
    });
  });

  describe('queues', () => {
    it('gives every queue a DLQ with the topology maxReceiveCount, and nothing else', () => {
      const all = resourcesOfType(template, 'AWS::SQS::Queue');
      expect(Object.keys(all)).toHaveLength(2 * queueNames.length);
      for (const name of queueNames) {
        template.hasResourceProperties('AWS::SQS::Queue', {
          QueueName: `${prefix}-${name}`,
          RedrivePolicy: {
            deadLetterTargetArn: { 'Fn::GetAtt': [dlqId(name), 'Arn'] },
            maxReceiveCount: queues[name].maxReceiveCount,
          },
          MessageRetentionPeriod: queues[name].retentionDays * 86_400,
        });
        // A DLQ takes messages from its own queue only (CT.SQS.PR.1), named by its ARN.
        template.hasResourceProperties('AWS::SQS::Queue', {
          QueueName: `${prefix}-${name}-dlq`,
          MessageRetentionPeriod: DLQ_RETENTION_DAYS * 86_400,
          RedrivePolicy: Match.absent(),
          RedriveAllowPolicy: {
            redrivePermission: 'byQueue',
            sourceQueueArns: [
              {
                'Fn::Join': [
                  '',
                  [
                    'arn:',
                    { Ref: 'AWS::Partition' },
                    ':sqs:',
                    { Ref: 'AWS::Region' },
                    ':',
                    { Ref: 'AWS::AccountId' },
                    `:${prefix}-${name}`,
                  ],
                ],
              },
            ],
          },
        });
      }
    });

    it('encrypts every queue and refuses plain-HTTP access', () => {
      const policies = Object.values(resourcesOfType(template, 'AWS::SQS::QueuePolicy'));
      for (const [id, queue] of Object.entries(resourcesOfType(template, 'AWS::SQS::Queue'))) {
        expect(queue.Properties.SqsManagedSseEnabled, id).toBe(true);
        const policy = policies.find((candidate) => referencedIds(candidate.Properties.Queues).has(id));
        expect(JSON.stringify(policy?.Properties.PolicyDocument), id).toContain(
          '"aws:SecureTransport":"false"',
        );
      }
    });

    it("sets each visibility timeout to at least 6x its consumer's timeout", () => {
      const lambdas = resourcesOfType(template, 'AWS::Lambda::Function');
      const queueResources = resourcesOfType(template, 'AWS::SQS::Queue');
      for (const name of queueNames) {
        const consumerTimeout = lambdas[fnId(queues[name].consumer)]?.Properties.Timeout as number;
        const visibility = queueResources[queueId(name)]?.Properties.VisibilityTimeout as number;
        expect(visibility, name).toBeGreaterThanOrEqual(6 * consumerTimeout);
      }
    });

    it('feeds each consumer with partial batch responses and a concurrency cap', () => {
      const mappings = Object.values(resourcesOfType(template, 'AWS::Lambda::EventSourceMapping'));
      expect(mappings).toHaveLength(queueNames.length);
      for (const mapping of mappings) {
        expect(mapping.Properties.FunctionResponseTypes).toEqual(['ReportBatchItemFailures']);
      }
      for (const name of queueNames) {
        const spec = queues[name];
        const cap = functions[spec.consumer].readsSecret
          ? Math.min(spec.maxConcurrency, stage.transatel.maxConcurrency)
          : spec.maxConcurrency;
        template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
          EventSourceArn: { 'Fn::GetAtt': [queueId(name), 'Arn'] },
          FunctionName: { Ref: fnId(spec.consumer) },
          BatchSize: spec.batchSize,
          FunctionResponseTypes: ['ReportBatchItemFailures'],
          ScalingConfig: { MaximumConcurrency: cap },
          ...(spec.maxBatchingWindowSeconds > 0
            ? { MaximumBatchingWindowInSeconds: spec.maxBatchingWindowSeconds }
            : {}),
        });
      }
    });

    it('gives the plan queue a batching window: its messages arrive one at a time', () => {
      expect(queues.plan.maxBatchingWindowSeconds).toBe(1);
      template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        EventSourceArn: { 'Fn::GetAtt': [queueId('plan'), 'Arn'] },
        MaximumBatchingWindowInSeconds: 1,
      });
    });
  });

  describe('api', () => {
    it('routes every topology route to its function, IAM-authorized unless public', () => {
      const routeResources = Object.values(resourcesOfType(template, 'AWS::ApiGatewayV2::Route'));
      const integrations = resourcesOfType(template, 'AWS::ApiGatewayV2::Integration');
      expect(routeResources).toHaveLength(routes.length);
      for (const route of routes) {
        const resource = routeResources.find(
          (candidate) => candidate.Properties.RouteKey === `${route.method} ${route.path}`,
        );
        expect(resource, `${route.method} ${route.path}`).toBeDefined();
        expect(resource?.Properties.AuthorizationType).toBe(route.auth === 'iam' ? 'AWS_IAM' : 'NONE');
        const [integrationId] = [...referencedIds(resource?.Properties.Target)];
        const integration = integrationId ? integrations[integrationId] : undefined;
        expect([...referencedIds(integration?.Properties.IntegrationUri)]).toEqual([fnId(route.function)]);
      }
    });

    it('makes only the webhook route public', () => {
      const publicRoutes = Object.values(resourcesOfType(template, 'AWS::ApiGatewayV2::Route'))
        .filter((route) => route.Properties.AuthorizationType !== 'AWS_IAM')
        .map((route) => route.Properties.RouteKey);
      expect(publicRoutes).toEqual(['POST /v1/webhooks/transatel']);
    });

    it('logs access and throttles with the stage defaults', () => {
      template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
        StageName: '$default',
        AutoDeploy: true,
        AccessLogSettings: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp('requestId') },
        DefaultRouteSettings: {
          ThrottlingRateLimit: stage.api.throttleRateLimit,
          ThrottlingBurstLimit: stage.api.throttleBurstLimit,
        },
      });
    });

    it('outputs the API URL and the full webhook URL', () => {
      template.hasOutput('ApiUrl', { Value: { 'Fn::GetAtt': [Match.anyValue(), 'ApiEndpoint'] } });
      template.hasOutput('WebhookIntakeUrl', {
        Value: {
          'Fn::Join': ['', [{ 'Fn::GetAtt': [Match.anyValue(), 'ApiEndpoint'] }, '/v1/webhooks/transatel']],
        },
      });
    });
  });

  describe('schedules', () => {
    it('invokes each scheduled function at its rate through one rule, with bounded retries', () => {
      expect(scheduledNames).toEqual(['catalog-sync', 'policy-sweep']);
      expect(functions['catalog-sync'].scheduleMinutes).toBe(5);
      expect(functions['policy-sweep'].scheduleMinutes).toBe(15);
      const rules = resourcesOfType(template, 'AWS::Events::Rule');
      expect(Object.keys(rules)).toHaveLength(scheduledNames.length);
      for (const name of scheduledNames) {
        const minutes = functions[name].scheduleMinutes as number;
        const rule = rules[ruleId(name)];
        expect(rule?.Properties, name).toMatchObject({
          ScheduleExpression: `rate(${minutes} minute${minutes === 1 ? '' : 's'})`,
          State: 'ENABLED',
        });
        const targets = rule?.Properties.Targets as { Arn: unknown; RetryPolicy?: unknown }[];
        expect(targets, name).toHaveLength(1);
        expect(targets[0]?.Arn, name).toEqual({ 'Fn::GetAtt': [fnId(name), 'Arn'] });
        expect(targets[0]?.RetryPolicy, name).toEqual({
          MaximumRetryAttempts: SCHEDULE_RETRY_ATTEMPTS,
          MaximumEventAgeInSeconds: minutes * 60,
        });
        // Lambda's own retries of a failed asynchronous run stop before the next run too.
        template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
          FunctionName: { Ref: fnId(name) },
          MaximumRetryAttempts: SCHEDULE_RETRY_ATTEMPTS,
          MaximumEventAgeInSeconds: minutes * 60,
        });
      }
      template.hasResourceProperties('AWS::Events::Rule', {
        Name: `${prefix}-catalog-sync`,
        ScheduleExpression: 'rate(5 minutes)',
        Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [fnId('catalog-sync'), 'Arn'] } })],
      });
    });

    it('lets EventBridge invoke only the scheduled functions, each from its own rule only', () => {
      const permissions = Object.values(resourcesOfType(template, 'AWS::Lambda::Permission')).filter(
        (permission) => permission.Properties.Principal === 'events.amazonaws.com',
      );
      expect(permissions).toHaveLength(scheduledNames.length);
      for (const name of scheduledNames) {
        const [permission] = permissions.filter((candidate) =>
          referencedIds(candidate.Properties.FunctionName).has(fnId(name)),
        );
        expect(permission?.Properties, name).toMatchObject({
          Action: 'lambda:InvokeFunction',
          SourceArn: { 'Fn::GetAtt': [ruleId(name), 'Arn'] },
        });
      }
    });

    it('gives a scheduled function no API route and no queue', () => {
      const integrations = Object.values(resourcesOfType(template, 'AWS::ApiGatewayV2::Integration'));
      const mappings = Object.values(resourcesOfType(template, 'AWS::Lambda::EventSourceMapping'));
      for (const name of scheduledNames) {
        expect(
          routes.filter((route) => route.function === name),
          name,
        ).toEqual([]);
        expect(
          integrations.filter((integration) =>
            referencedIds(integration.Properties.IntegrationUri).has(fnId(name)),
          ),
          name,
        ).toEqual([]);
        expect(
          mappings.filter((mapping) => referencedIds(mapping.Properties.FunctionName).has(fnId(name))),
          name,
        ).toEqual([]);
        expect(
          queueNames.filter((queue) => queues[queue].consumer === name),
          name,
        ).toEqual([]);
        expect(functions[name].sendsTo ?? [], name).toEqual([]);
      }
    });
  });

  describe('data', () => {
    it("keeps the reports in a private, TLS-only, versioned bucket under the stage's key, whose objects expire", () => {
      template.resourceCountIs('AWS::S3::Bucket', 2);
      template.hasResourceProperties('AWS::S3::Bucket', {
        BucketName: `${prefix}-reports`,
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [
            {
              ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: stageKey() },
              BucketKeyEnabled: true,
            },
          ],
        },
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
        VersioningConfiguration: { Status: 'Enabled' },
        // Expired reports leave a delete marker; the version behind it goes NONCURRENT_VERSION_DAYS later.
        LifecycleConfiguration: {
          Rules: [
            Match.objectLike({
              Status: 'Enabled',
              ExpirationInDays: REPORT_RETENTION_DAYS,
              NoncurrentVersionExpiration: { NoncurrentDays: NONCURRENT_VERSION_DAYS },
            }),
          ],
        },
        LoggingConfiguration: { DestinationBucketName: { Ref: accessLogsId() }, LogFilePrefix: 'reports/' },
      });
      expect(REPORT_RETENTION_DAYS).toBe(30);
      for (const id of [bucketId(), accessLogsId()]) {
        template.hasResourceProperties('AWS::S3::BucketPolicy', {
          Bucket: { Ref: id },
          PolicyDocument: {
            Statement: Match.arrayWith([
              Match.objectLike({
                Effect: 'Deny',
                Action: 's3:*',
                Condition: { Bool: { 'aws:SecureTransport': 'false' } },
              }),
            ]),
          },
        });
      }
      // Objects only, and listing: the API reads and writes records, the worker writes content; nobody deletes.
      for (const name of functionNames) {
        const actions = actionsOn(name, bucketId()).sort();
        const access = functions[name].reportsBucket;
        expect(actions, name).toEqual(
          access === undefined ? [] : ['s3:GetObject', 's3:ListBucket', 's3:PutObject'],
        );
      }
    });

    it('lets the readers of the reports bucket list it, on the bucket only, so a missing report answers 404', () => {
      const readers = functionNames.filter((name) => functions[name].reportsBucket !== undefined);
      expect(readers.sort()).toEqual(['report-worker', 'reports-api']);
      for (const name of functionNames) {
        const listing = statementsOf(name).filter((statement) =>
          actionsOf(statement).includes('s3:ListBucket'),
        );
        if (!readers.includes(name)) {
          expect(listing, name).toEqual([]);
          continue;
        }
        // On the bucket's ARN alone (not its objects, not another bucket), and nothing else in that statement.
        expect(listing, name).toEqual([
          { Effect: 'Allow', Action: 's3:ListBucket', Resource: { 'Fn::GetAtt': [bucketId(), 'Arn'] } },
        ]);
      }
    });

    it("lets the report functions use the stage's key through S3 only", () => {
      for (const name of functionNames) {
        const keyStatements = statementsOf(name).filter((statement) =>
          actionsOf(statement).some((action) => action.startsWith('kms:')),
        );
        if (functions[name].reportsBucket === undefined) {
          expect(keyStatements, name).toEqual([]);
          continue;
        }
        expect(keyStatements, name).toEqual([
          {
            Effect: 'Allow',
            Action:
              functions[name].reportsBucket === 'read'
                ? 'kms:Decrypt'
                : ['kms:Decrypt', 'kms:GenerateDataKey'],
            Resource: stageKey(),
            Condition: {
              StringEquals: {
                'kms:ViaService': { 'Fn::Join': ['', ['s3.', { Ref: 'AWS::Region' }, '.amazonaws.com']] },
              },
            },
          },
        ]);
      }
    });

    it("logs every request to the reports bucket to an access-log bucket kept as long as the stage's logs", () => {
      template.hasResourceProperties('AWS::S3::Bucket', {
        BucketName: Match.absent(),
        // The one encryption S3 delivers access logs under.
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
        },
        VersioningConfiguration: { Status: 'Enabled' },
        OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
        LifecycleConfiguration: {
          Rules: [
            Match.objectLike({
              ExpirationInDays: stage.logging.retention,
              NoncurrentVersionExpiration: { NoncurrentDays: NONCURRENT_VERSION_DAYS },
            }),
          ],
        },
      });
      // Written by the S3 logging service for the reports bucket alone; no function touches it.
      template.hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: { Ref: accessLogsId() },
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Allow',
              Principal: { Service: 'logging.s3.amazonaws.com' },
              Action: 's3:PutObject',
              Condition: Match.objectLike({
                ArnLike: { 'aws:SourceArn': { 'Fn::GetAtt': [bucketId(), 'Arn'] } },
              }),
            }),
          ]),
        },
      });
      for (const name of functionNames) expect(actionsOn(name, accessLogsId()), name).toEqual([]);
      const policy = stageName === 'prod' ? 'Retain' : 'Delete';
      for (const id of [bucketId(), accessLogsId()]) {
        expect(resourcesOfType(template, 'AWS::S3::Bucket')[id]?.DeletionPolicy, id).toBe(policy);
      }
    });

    it('has one customer-managed key per stage: rotated, grants for AWS services only, logs for its own groups', () => {
      const key = resourcesOfType(template, 'AWS::KMS::Key')[keyId()];
      expect(key?.Properties).toMatchObject({ EnableKeyRotation: true });
      // Prod keeps the key with its retained reports bucket, whose objects need it.
      expect(key?.DeletionPolicy).toBe(stageName === 'prod' ? 'Retain' : 'Delete');
      template.hasResourceProperties('AWS::KMS::Alias', {
        AliasName: `alias/${prefix}`,
        TargetKeyId: stageKey(),
      });
      const statements =
        (key?.Properties.KeyPolicy as { Statement: Record<string, unknown>[] } | undefined)?.Statement ?? [];
      expect(statements).toContainEqual({
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Action: 'kms:CreateGrant',
        Resource: '*',
        Condition: {
          BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' },
        },
      });
      const logs = statements.find((statement) => JSON.stringify(statement.Principal).includes('"logs."'));
      expect(literalStrings(logs?.Condition).filter((text) => text.includes(':log-group:'))).toEqual([
        `:log-group:/aws/lambda/${prefix}-*`,
        `:log-group:/aws/apigateway/${prefix}-api`,
      ]);
      // Used by the log groups, the reports bucket and the alarm topic; by nothing else.
      const users = Object.entries(template.toJSON().Resources as Record<string, { Type: string }>)
        .filter(([id, resource]) => id !== keyId() && resource.Type !== 'AWS::IAM::Policy')
        .filter(([id]) => referencedIds(template.toJSON().Resources[id]).has(keyId()))
        .map(([, resource]) => resource.Type);
      expect([...new Set(users)].sort()).toEqual([
        'AWS::KMS::Alias',
        'AWS::Logs::LogGroup',
        'AWS::S3::Bucket',
        'AWS::SNS::Topic',
      ]);
    });

    it('defines the tables with PITR, on-demand billing and AWS-managed encryption', () => {
      expect(Object.keys(resourcesOfType(template, 'AWS::DynamoDB::Table'))).toHaveLength(tableNames.length);
      for (const name of tableNames) {
        template.hasResourceProperties('AWS::DynamoDB::Table', {
          TableName: `${prefix}-${name}`,
          BillingMode: 'PAY_PER_REQUEST',
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
          SSESpecification: { SSEEnabled: true },
        });
      }
      for (const name of tableNames) {
        const definition = tableDefinitions[name];
        const keys = (partitionKey: { name: string }, sortKey?: { name: string }) => [
          { AttributeName: partitionKey.name, KeyType: 'HASH' },
          ...(sortKey ? [{ AttributeName: sortKey.name, KeyType: 'RANGE' }] : []),
        ];
        template.hasResourceProperties('AWS::DynamoDB::Table', {
          TableName: `${prefix}-${name}`,
          KeySchema: keys(definition.partitionKey, definition.sortKey),
          GlobalSecondaryIndexes:
            definition.globalSecondaryIndexes.length === 0
              ? Match.absent()
              : definition.globalSecondaryIndexes.map((index) => ({
                  IndexName: index.indexName,
                  KeySchema: keys(index.partitionKey, index.sortKey),
                  Projection: { ProjectionType: index.projection },
                })),
          TimeToLiveSpecification: definition.timeToLiveAttribute
            ? { AttributeName: definition.timeToLiveAttribute, Enabled: true }
            : Match.absent(),
        });
      }
      // What the store's adapters rely on.
      expect(tableDefinitions.orders.globalSecondaryIndexes.map((index) => index.indexName)).toEqual([
        'byTransactionId',
        'byIccid',
      ]);
      expect(tableDefinitions.idempotency.timeToLiveAttribute).toBe('expiresAt');
      // Shared with the policy engine, whose ledger items expire; policies (pk "policy") never carry expiresAt.
      expect(tableDefinitions.policies).toMatchObject({
        partitionKey: { name: 'pk', type: 'S' },
        sortKey: { name: 'sk', type: 'S' },
        timeToLiveAttribute: 'expiresAt',
      });
      expect(tableDefinitions.history).toMatchObject({
        partitionKey: { name: 'iccid', type: 'S' },
        sortKey: { name: 'sk', type: 'S' },
        timeToLiveAttribute: 'expiresAt',
      });
      template.hasResourceProperties('AWS::DynamoDB::Table', {
        TableName: `${prefix}-history`,
        TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      });
    });

    it('defines the secret without any value in the template', () => {
      template.hasResourceProperties('AWS::SecretsManager::Secret', {
        Name: `iot-capped-plans/${stageName}/transatel`,
        SecretString: Match.absent(),
        GenerateSecretString: Match.absent(),
      });
    });

    it(
      stageName === 'prod' ? 'retains tables and secret' : 'deletes tables and secret with the stack',
      () => {
        const policy = stageName === 'prod' ? 'Retain' : 'Delete';
        for (const name of tableNames) {
          template.hasResource('AWS::DynamoDB::Table', {
            Properties: Match.objectLike({
              TableName: `${prefix}-${name}`,
              DeletionProtectionEnabled: stageName === 'prod',
            }),
            DeletionPolicy: policy,
            UpdateReplacePolicy: policy,
          });
        }
        template.hasResource('AWS::SecretsManager::Secret', {
          DeletionPolicy: policy,
          UpdateReplacePolicy: policy,
        });
      },
    );
  });

  describe('notifications and monitoring', () => {
    it('has an encrypted, TLS-only events topic and an encrypted alarm topic', () => {
      template.hasResourceProperties('AWS::SNS::Topic', {
        TopicName: `${prefix}-events`,
        KmsMasterKeyId: Match.anyValue(),
      });
      template.hasResourceProperties('AWS::SNS::Topic', {
        TopicName: `${prefix}-alarms`,
        KmsMasterKeyId: stageKey(),
      });
      for (const topic of ['events', 'alarms']) {
        template.hasResourceProperties('AWS::SNS::TopicPolicy', {
          Topics: [{ Ref: topicId(topic) }],
          PolicyDocument: {
            Statement: Match.arrayWith([
              Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
            ]),
          },
        });
      }
    });

    it('alarms on DLQ depth, oldest message age, function errors and throttles, failed schedules, to the alarm topic', () => {
      const alarms = Object.values(resourcesOfType(template, 'AWS::CloudWatch::Alarm'));
      // ... and one on orders held for review, one on bursts of policies stopped by their limits.
      expect(alarms).toHaveLength(
        2 * queueNames.length + 2 * functionNames.length + scheduledNames.length + 2,
      );
      const alarmTopic = { Ref: topicId('alarms') };
      for (const alarm of alarms) expect(alarm.Properties.AlarmActions).toEqual([alarmTopic]);

      const withDimension = (metric: string, target: unknown) =>
        alarms.filter(
          (alarm) =>
            alarm.Properties.MetricName === metric &&
            JSON.stringify(alarm.Properties.Dimensions).includes(JSON.stringify(target)),
        );
      for (const name of queueNames) {
        const [dlqDepth] = withDimension('ApproximateNumberOfMessagesVisible', [dlqId(name), 'QueueName']);
        expect(dlqDepth?.Properties, name).toMatchObject({
          Threshold: 0,
          ComparisonOperator: 'GreaterThanThreshold',
        });
        const [age] = withDimension('ApproximateAgeOfOldestMessage', [queueId(name), 'QueueName']);
        expect(age?.Properties, name).toMatchObject({ Threshold: stage.alarms.oldestMessageAgeSeconds });
      }
      for (const name of functionNames) {
        expect(withDimension('Errors', { Ref: fnId(name) }), name).toHaveLength(1);
        expect(withDimension('Throttles', { Ref: fnId(name) }), name).toHaveLength(1);
      }
      for (const name of scheduledNames) {
        const failed = withDimension('FailedInvocations', { Ref: ruleId(name) });
        expect(failed, name).toHaveLength(1);
        expect(failed[0]?.Properties, name).toMatchObject({
          Namespace: 'AWS/Events',
          Threshold: 0,
          ComparisonOperator: 'GreaterThanThreshold',
        });
      }
    });

    it('alarms on any order held for review, counted from the workers that may hold one', () => {
      const filters = Object.values(resourcesOfType(template, 'AWS::Logs::MetricFilter')).filter((filter) =>
        JSON.stringify(filter.Properties.MetricTransformations).includes('OrdersHeldForReview'),
      );
      expect(filters).toHaveLength(2);
      for (const filter of filters) {
        expect(filter.Properties.FilterPattern).toBe('{ $.message = "order needs review" }');
        expect(filter.Properties.MetricTransformations).toEqual([
          { MetricNamespace: prefix, MetricName: 'OrdersHeldForReview', MetricValue: '1' },
        ]);
      }
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        AlarmName: `${prefix}-orders-held-for-review`,
        Namespace: prefix,
        MetricName: 'OrdersHeldForReview',
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
      });
    });

    it('alarms on bursts of top-ups stopped by their policy limits, counted from the policy worker', () => {
      const [filter, ...others] = Object.values(resourcesOfType(template, 'AWS::Logs::MetricFilter')).filter(
        (candidate) =>
          JSON.stringify(candidate.Properties.MetricTransformations).includes('PolicyLimitsReached'),
      );
      expect(others).toEqual([]);
      expect(filter?.Properties.FilterPattern).toBe(
        '{ ($.message = "policy decision") && ($.decision = "limit-reached") }',
      );
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        AlarmName: `${prefix}-policy-limits-reached`,
        MetricName: 'PolicyLimitsReached',
        Threshold: stage.alarms.policyLimitsPerFiveMinutes,
      });
    });

    it('feeds the policy queue from the events topic, filtered on the trigger events', () => {
      template.hasResourceProperties('AWS::SNS::Subscription', {
        Protocol: 'sqs',
        RawMessageDelivery: true,
        TopicArn: { Ref: topicId('events') },
        FilterPolicy: { type: [...(queues.policy.eventTypes ?? [])] },
      });
    });

    it('has one dashboard', () => {
      template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
      template.hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: `${prefix}-overview` });
    });
  });

  it('names every named resource after the stage', () => {
    const nameProperties: Record<string, string> = {
      'AWS::Lambda::Function': 'FunctionName',
      'AWS::SQS::Queue': 'QueueName',
      'AWS::DynamoDB::Table': 'TableName',
      'AWS::SNS::Topic': 'TopicName',
      'AWS::SecretsManager::Secret': 'Name',
      'AWS::Logs::LogGroup': 'LogGroupName',
      'AWS::CloudWatch::Alarm': 'AlarmName',
      'AWS::CloudWatch::Dashboard': 'DashboardName',
      'AWS::ApiGatewayV2::Api': 'Name',
      'AWS::Events::Rule': 'Name',
    };
    for (const [type, property] of Object.entries(nameProperties)) {
      for (const resource of Object.values(resourcesOfType(template, type))) {
        expect(resource.Properties[property], type).toMatch(
          new RegExp(`iot-capped-plans[-/]${stageName}[-/]`),
        );
      }
    }
  });

  describe("AWS Control Tower's proactive controls", () => {
    it('suppresses only the controls docs/deploy.md lists, where they do not apply, each with its reason', () => {
      // The synthesis above ran the controls and would have thrown on any violation left unsuppressed.
      const suppressed: Record<string, string[]> = {};
      for (const [id, metadata] of guardMetadataOf(template.toJSON())) {
        for (const rule of metadata.SuppressedRules) {
          expect(metadata.Reasons[rule]?.length ?? 0, `${id} ${rule}`).toBeGreaterThan(40);
          suppressed[rule] = [...(suppressed[rule] ?? []), id];
        }
      }
      const ofType = (type: string) => Object.keys(resourcesOfType(template, type));
      const apiPermissions = Object.entries(resourcesOfType(template, 'AWS::Lambda::Permission'))
        .filter(([, permission]) => permission.Properties.Principal === 'apigateway.amazonaws.com')
        .map(([id]) => id);
      expect(apiPermissions).toHaveLength(routes.length);
      const webhookRoute = logicalIdOf(
        template,
        'AWS::ApiGatewayV2::Route',
        'RouteKey',
        'POST /v1/webhooks/transatel',
      );
      const expected: Record<string, string[]> = {
        api_gw_v2_authorization_type_configured_check: [webhookRoute],
        lambda_function_public_access_prohibited_check: apiPermissions,
        lambda_inside_vpc_check: ofType('AWS::Lambda::Function'),
        s3_bucket_default_encryption_kms_check: [accessLogsId()],
        s3_bucket_logging_enabled_check: [accessLogsId()],
        s3_bucket_object_lock_enabled_check: [bucketId(), accessLogsId()],
        s3_event_notifications_enabled_check: [bucketId(), accessLogsId()],
        ...(stageName === 'prod'
          ? {}
          : { cloudwatch_log_group_retention_period_check: ofType('AWS::Logs::LogGroup') }),
      };
      const sorted = (record: Record<string, string[]>) =>
        Object.fromEntries(
          Object.entries(record)
            .sort(([a], [b]) => a.localeCompare(b))
            .map(([rule, ids]) => [rule, [...ids].sort()]),
        );
      expect(sorted(suppressed)).toEqual(sorted(expected));
      for (const rule of Object.keys(suppressed)) expect(Object.keys(suppressibleGuardRules)).toContain(rule);
    });
  });

  describe('cdk-nag AwsSolutions', () => {
    it('reports no unsuppressed error or warning', () => {
      expect(annotations.findError('*', Match.stringLikeRegexp('AwsSolutions-.*'))).toEqual([]);
      expect(annotations.findWarning('*', Match.stringLikeRegexp('AwsSolutions-.*'))).toEqual([]);
    });

    it('gives every suppression its reason', () => {
      const resources = template.toJSON().Resources as Record<
        string,
        { Metadata?: { cdk_nag?: NagMetadata } }
      >;
      const suppressions = Object.values(resources).flatMap(
        (resource) => resource.Metadata?.cdk_nag?.rules_to_suppress ?? [],
      );
      expect(suppressions.length).toBeGreaterThan(0);
      for (const suppression of suppressions) {
        expect(suppression.id).toMatch(/^AwsSolutions-/);
        expect(suppression.reason.length, suppression.id).toBeGreaterThan(40);
      }
    });
  });
});
