import { fileURLToPath } from 'node:url';
import { Annotations, CfnOutput, Stack, type StackProps, Tags } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { functions as functionSpecs, routes } from '../shared/topology.js';
import { Api } from './constructs/api.js';
import { Encryption } from './constructs/encryption.js';
import { Functions } from './constructs/functions.js';
import { JobSchedules } from './constructs/job-schedules.js';
import { Monitoring } from './constructs/monitoring.js';
import { Notifications } from './constructs/notifications.js';
import { Queues } from './constructs/queues.js';
import { Reports } from './constructs/reports.js';
import { Schedules } from './constructs/schedules.js';
import { Secrets } from './constructs/secrets.js';
import { Store } from './constructs/store.js';
import { PLACEHOLDER_MVNO_REF, PROJECT, resourcePrefix, type StageConfig } from './stages.js';

export interface BackendStackProps extends Omit<StackProps, 'env' | 'terminationProtection'> {
  stage: StageConfig;
}

const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

const pascalCase = (name: string): string =>
  name.replace(/(^|-)([a-z0-9])/g, (_match, _dash: string, letter: string) => letter.toUpperCase());

/** One stage of the backend: every resource comes from shared/topology.ts and the stage's settings. */
export class BackendStack extends Stack {
  constructor(scope: Construct, id: string, props: BackendStackProps) {
    const { stage, ...stackProps } = props;
    super(scope, id, {
      ...stackProps,
      env: stage.env,
      terminationProtection: stage.terminationProtection,
      description: `IoT Connect Capped Plans backend (${stage.name})`,
    });
    Tags.of(this).add('project', PROJECT);
    Tags.of(this).add('stage', stage.name);

    const namePrefix = resourcePrefix(stage.name);
    const retainData = stage.dataRemoval === 'retain';
    const secretName = `${PROJECT}/${stage.name}/transatel`;

    const { key: encryptionKey } = new Encryption(this, 'encryption', {
      namePrefix,
      retainData,
      logGroupNames: [`/aws/lambda/${namePrefix}-*`, `/aws/apigateway/${namePrefix}-api`],
    });
    const store = new Store(this, 'store', { namePrefix, retainData });
    const reports = new Reports(this, 'reports', {
      namePrefix,
      retainData,
      encryptionKey,
      accessLogRetentionDays: stage.logging.retention,
    });
    const secrets = new Secrets(this, 'secrets', { secretName, retainData });
    const notifications = new Notifications(this, 'notifications', {
      namePrefix,
      alarmEmail: stage.alarms.email,
      alarmTopicArn: stage.alarms.topicArn,
      encryptionKey,
    });
    const queues = new Queues(this, 'queues', { namePrefix, functionSpecs });
    for (const { queue, spec } of Object.values(queues.queues)) {
      if (spec.eventTypes) notifications.feedQueue(queue, spec.eventTypes);
    }
    const functions = new Functions(this, 'functions', {
      stage,
      namePrefix,
      projectRoot: PROJECT_ROOT,
      store,
      queues: queues.queues,
      notifications,
      secret: secrets.transatel,
      reports,
      encryptionKey,
    });
    const api = new Api(this, 'api', { stage, namePrefix, functions: functions.functions, encryptionKey });
    const schedules = new Schedules(this, 'schedules', { namePrefix, functions: functions.functions });
    new JobSchedules(this, 'job-schedules', {
      namePrefix,
      queue: queues.queues.jobs.queue,
      functions: functions.functions,
    });
    new Monitoring(this, 'monitoring', {
      stage,
      namePrefix,
      alarmTopics: notifications.alarmTopics,
      functions: functions.functions,
      logGroups: functions.logGroups,
      queues: queues.queues,
      scheduleRules: schedules.rules,
      apiStage: api.stage,
    });

    new CfnOutput(this, 'ApiUrl', { value: api.endpoint, description: 'Base URL of the HTTP API (SigV4)' });
    for (const route of routes.filter((candidate) => candidate.auth === 'public')) {
      new CfnOutput(this, `${pascalCase(route.function)}Url`, {
        value: `${api.endpoint}${route.path}`,
        description: `Public URL of ${route.method} ${route.path}: register it with Transatel`,
      });
    }
    new CfnOutput(this, 'TransatelSecretName', {
      value: secretName,
      description: 'Put the Transatel credentials here (docs/deploy.md)',
    });
    new CfnOutput(this, 'EventsTopicArn', {
      value: notifications.eventsTopic.topicArn,
      description: 'Normalized SIM and plan events for other systems',
    });

    if (stage.transatel.mvnoRef === PLACEHOLDER_MVNO_REF) {
      Annotations.of(this).addWarningV2(
        'iot:placeholder-mvnoref',
        `Stage ${stage.name} uses the placeholder mvnoRef ${PLACEHOLDER_MVNO_REF}: set it in infra/stages.ts or with -c mvnoRef=<your account's mvnoRef> before deploying.`,
      );
    }
  }
}
