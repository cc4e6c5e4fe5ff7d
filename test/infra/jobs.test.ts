import type { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resourcePrefix } from '#infra/stages.js';
import { type FunctionName, functions, jobScheduleEnv } from '#shared/topology.js';
import {
  actionsOf,
  environmentOf,
  literalStrings,
  logicalIdOf,
  referencedIds,
  resourcesOfType,
  roleOfFunction,
} from './cfn.js';
import { synthStage } from './synth.js';

/** Scheduled jobs in AWS: the schedule group, the scheduler's role, and who may schedule. */
describe('job schedules (dev)', () => {
  let template: Template;
  let dispose: (() => void) | undefined;
  const prefix = resourcePrefix('dev');
  const fnId = (name: FunctionName) =>
    logicalIdOf(template, 'AWS::Lambda::Function', 'FunctionName', `${prefix}-${name}`);
  const queueId = () => logicalIdOf(template, 'AWS::SQS::Queue', 'QueueName', `${prefix}-jobs`);
  const schedulerRoleId = () => {
    const roles = Object.entries(resourcesOfType(template, 'AWS::IAM::Role')).filter(([, role]) =>
      JSON.stringify(role.Properties.AssumeRolePolicyDocument).includes('scheduler.amazonaws.com'),
    );
    expect(roles).toHaveLength(1);
    return (roles[0] as [string, unknown])[0];
  };

  beforeAll(() => {
    ({ template, dispose } = synthStage('dev'));
  });
  afterAll(() => dispose?.());

  it('has one schedule group for the stage’s jobs', () => {
    template.resourceCountIs('AWS::Scheduler::ScheduleGroup', 1);
    template.hasResourceProperties('AWS::Scheduler::ScheduleGroup', { Name: `${prefix}-jobs` });
  });

  it('lets the scheduler’s role send to the jobs queue and nothing else', () => {
    const roleId = schedulerRoleId();
    const role = resourcesOfType(template, 'AWS::IAM::Role')[roleId];
    expect(JSON.stringify(role?.Properties.AssumeRolePolicyDocument)).toContain('aws:SourceAccount');
    const statements = Object.values(resourcesOfType(template, 'AWS::IAM::Policy'))
      .filter((policy) => referencedIds(policy.Properties.Roles).has(roleId))
      .flatMap((policy) => (policy.Properties.PolicyDocument as { Statement: never[] }).Statement);
    expect(statements.flatMap(actionsOf)).toEqual(['sqs:SendMessage']);
    for (const statement of statements) {
      expect([...referencedIds((statement as { Resource: unknown }).Resource)]).toEqual([queueId()]);
    }
  });

  it('lets only the functions that schedule jobs create and delete schedules of the group, and pass the role', () => {
    for (const name of Object.keys(functions) as FunctionName[]) {
      const statements = roleOfFunction(template, fnId(name)).statements;
      const scheduling = statements.filter((statement) =>
        actionsOf(statement).some((action) => action.startsWith('scheduler:') || action === 'iam:PassRole'),
      );
      if (!functions[name].schedulesJobs) {
        expect(scheduling, name).toEqual([]);
        continue;
      }
      const schedule = scheduling.find((statement) =>
        actionsOf(statement).includes('scheduler:CreateSchedule'),
      );
      expect(actionsOf(schedule as never).sort()).toEqual([
        'scheduler:CreateSchedule',
        'scheduler:DeleteSchedule',
      ]);
      expect(literalStrings(schedule?.Resource).join('')).toContain(`:schedule/${prefix}-jobs/*`);
      const pass = scheduling.find((statement) => actionsOf(statement).includes('iam:PassRole'));
      expect([...referencedIds(pass?.Resource)]).toEqual([schedulerRoleId()]);
      expect(pass?.Condition).toEqual({ StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } });

      const variables = environmentOf(template, fnId(name));
      expect(variables[jobScheduleEnv.group]).toBe(`${prefix}-jobs`);
      expect([...referencedIds(variables[jobScheduleEnv.roleArn])]).toEqual([schedulerRoleId()]);
      expect([...referencedIds(variables[jobScheduleEnv.queueArn])]).toEqual([queueId()]);
    }
  });

  it('alarms on the jobs queue’s DLQ and on the job functions’ errors', () => {
    const alarms = Object.values(resourcesOfType(template, 'AWS::CloudWatch::Alarm')).map(
      (alarm) => alarm.Properties.AlarmName,
    );
    expect(alarms).toEqual(expect.arrayContaining([`${prefix}-jobs-dlq-depth`]));
    const errorsOf = (name: FunctionName) =>
      Object.values(resourcesOfType(template, 'AWS::CloudWatch::Alarm')).filter(
        (alarm) =>
          alarm.Properties.MetricName === 'Errors' &&
          JSON.stringify(alarm.Properties.Dimensions).includes(fnId(name)),
      );
    expect(errorsOf('jobs-api')).toHaveLength(1);
    expect(errorsOf('job-worker')).toHaveLength(1);
  });
});
