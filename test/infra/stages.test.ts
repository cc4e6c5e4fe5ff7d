import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Key } from 'aws-cdk-lib/aws-kms';
import { describe, expect, it } from 'vitest';
import { Notifications } from '#infra/constructs/notifications.js';
import { Queues } from '#infra/constructs/queues.js';
import {
  loadStageConfig,
  PLACEHOLDER_MVNO_REF,
  resourcePrefix,
  StageConfigError,
  stackName,
  stageConfigSchema,
  stageNames,
} from '#infra/stages.js';
import { functions, queues } from '#shared/topology.js';

/** An app synthesizing into its own temporary directory (App would otherwise leave a /tmp/cdk.out* behind). */
function tempApp(): { app: App; dispose: () => void } {
  const outdir = mkdtempSync(join(tmpdir(), 'infra-test-'));
  return { app: new App({ outdir }), dispose: () => rmSync(outdir, { recursive: true, force: true }) };
}

describe('stage configuration', () => {
  it.each(stageNames)('validates stage %s', (name) => {
    const stage = loadStageConfig(name, {}, {});
    expect(stage.name).toBe(name);
    expect(stage.transatel.baseUrl).toMatch(/^https:\/\//);
    expect(stage.transatel.maxConcurrency).toBeGreaterThanOrEqual(2);
    expect(stage.alarms.oldestMessageAgeSeconds).toBeGreaterThanOrEqual(900);
  });

  it('retains data and protects the stack in prod only', () => {
    expect(loadStageConfig('prod', {}, {})).toMatchObject({
      dataRemoval: 'retain',
      terminationProtection: true,
    });
    expect(loadStageConfig('staging', {}, {})).toMatchObject({
      dataRemoval: 'destroy',
      terminationProtection: false,
    });
    expect(loadStageConfig('dev', {}, {})).toMatchObject({
      dataRemoval: 'destroy',
      terminationProtection: false,
    });
  });

  it('takes account and region from the CDK CLI environment, and leaves them unresolved without it', () => {
    expect(loadStageConfig('dev', {}, {}).env).toEqual({ account: undefined, region: undefined });
    expect(
      loadStageConfig('dev', {}, { CDK_DEFAULT_ACCOUNT: '123456789012', CDK_DEFAULT_REGION: 'eu-west-3' })
        .env,
    ).toEqual({ account: '123456789012', region: 'eu-west-3' });
  });

  it('applies -c overrides and validates them', () => {
    const stage = loadStageConfig(
      'staging',
      {
        mvnoRef: 'M2MA_WW_TSL_ACME',
        alarmEmail: 'oncall@example.com',
        transatelBaseUrl: 'https://sandbox.example.com',
      },
      {},
    );
    expect(stage.transatel.mvnoRef).toBe('M2MA_WW_TSL_ACME');
    expect(stage.transatel.baseUrl).toBe('https://sandbox.example.com');
    expect(stage.alarms.email).toBe('oncall@example.com');
    expect(loadStageConfig('dev', {}, {}).transatel.mvnoRef).toBe(PLACEHOLDER_MVNO_REF);

    expect(() => loadStageConfig('dev', { alarmEmail: 'not-an-email' }, {})).toThrow(/alarms\.email/);
    expect(() => loadStageConfig('dev', { transatelBaseUrl: 'http://insecure.example.com' }, {})).toThrow(
      /transatel\.baseUrl/,
    );
    expect(() =>
      loadStageConfig('dev', { alarmTopicArn: 'arn:aws:sqs:eu-west-3:123456789012:q' }, {}),
    ).toThrow(/alarms\.topicArn/);
  });

  it('leaves the Transatel rate limit unset, and takes it from -c transatelMaxRps', () => {
    for (const name of stageNames) {
      expect(loadStageConfig(name, {}, {}).transatel.maxRequestsPerSecond, name).toBeUndefined();
    }
    expect(loadStageConfig('prod', { transatelMaxRps: '250' }, {}).transatel.maxRequestsPerSecond).toBe(250);
    expect(loadStageConfig('prod', { transatelMaxRps: ' 40 ' }, {}).transatel.maxRequestsPerSecond).toBe(40);
    expect(loadStageConfig('dev', { transatelMaxRps: 7 }, {}).transatel.maxRequestsPerSecond).toBe(7);

    for (const bad of ['0', '-5', '2.5', 'abc', '1e2', '', 0, -1, 2.5]) {
      expect(() => loadStageConfig('dev', { transatelMaxRps: bad }, {}), String(bad)).toThrow(
        StageConfigError,
      );
      expect(() => loadStageConfig('dev', { transatelMaxRps: bad }, {}), String(bad)).toThrow(
        'Invalid configuration for stage dev: transatel.maxRequestsPerSecond: must be a positive integer (requests per second)',
      );
    }
  });

  it('sets how long each stage keeps a SIM’s history: 400 days unless it says otherwise', () => {
    expect(stageNames.map((name) => loadStageConfig(name, {}, {}).history.retentionDays)).toEqual([
      400, 400, 400,
    ]);
    expect(stageConfigSchema.shape.history.parse({})).toEqual({ retentionDays: 400 });
    expect(() => stageConfigSchema.shape.history.parse({ retentionDays: 0 })).toThrow();
  });

  it('gives the policy sweep 20 % of the Transatel rate limit unless the stage says otherwise', () => {
    expect(stageNames.map((name) => loadStageConfig(name, {}, {}).policies.sweepRateShare)).toEqual([
      0.2, 0.2, 0.2,
    ]);
    expect(() => stageConfigSchema.shape.policies.parse({ sweepRateShare: 0 })).toThrow();
  });

  it('rejects an unknown stage', () => {
    expect(() => loadStageConfig('qa', {}, {})).toThrow(StageConfigError);
    expect(() => loadStageConfig(undefined, {}, {})).toThrow(/dev, staging, prod/);
  });

  it('names stacks and resources per stage', () => {
    expect(new Set(stageNames.map(stackName)).size).toBe(stageNames.length);
    expect(resourcePrefix('staging')).toBe('iot-capped-plans-staging');
  });
});

describe('topology guards', () => {
  it('refuses a queue whose visibility timeout is under 6x its consumer timeout', () => {
    const { app, dispose } = tempApp();
    const stack = new Stack(app, 'guard');
    expect(
      () =>
        new Queues(stack, 'queues', {
          namePrefix: 'x',
          functionSpecs: functions,
          queueSpecs: { ...queues, events: { ...queues.events, visibilityTimeoutSeconds: 60 } },
        }),
    ).toThrow(/events: visibility timeout 60s is under 6x the 20s timeout of events-worker/);
    dispose();
  });
});

describe('alarm targets', () => {
  it('subscribes the stage email and forwards to an existing topic', () => {
    const { app, dispose } = tempApp();
    const stack = new Stack(app, 'alarms');
    const notifications = new Notifications(stack, 'notifications', {
      namePrefix: 'x-dev',
      alarmEmail: 'oncall@example.com',
      alarmTopicArn: 'arn:aws:sns:eu-west-3:123456789012:pager',
      encryptionKey: new Key(stack, 'key'),
    });
    expect(notifications.alarmTopics.map((topic) => topic.topicArn)).toContain(
      'arn:aws:sns:eu-west-3:123456789012:pager',
    );
    Template.fromStack(stack).hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'oncall@example.com',
    });
    dispose();
  });
});
