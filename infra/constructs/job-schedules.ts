import { Stack } from 'aws-cdk-lib';
import { Effect, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { type IFunction, Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { CfnScheduleGroup } from 'aws-cdk-lib/aws-scheduler';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
import {
  type FunctionName,
  type FunctionSpec,
  functions as functionSpecs,
  jobScheduleEnv,
} from '#shared/topology.js';
import { entriesOf } from '../records.js';

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/**
 * cdk-nag's IAM5 finding for `arn:<partition>:scheduler:<region>:<account>:schedule/<group>/*`, whether each of
 * partition, region and account is a pseudo parameter or a literal.
 */
export function schedulesFinding(groupName: string): string {
  const part = (token: string, literal: string) => `(?:<AWS::${token}>|${literal})`;
  return (
    `/^Resource::arn:${part('Partition', 'aws[a-z-]*')}:scheduler:${part('Region', '[a-z0-9-]+')}:` +
    `${part('AccountId', '\\d{12}')}:schedule\\/${escapeRegExp(groupName)}\\/\\*$/g`
  );
}

export interface JobSchedulesProps {
  namePrefix: string;
  /** The jobs queue: the one target of the schedules. */
  queue: IQueue;
  functions: Readonly<Record<FunctionName, IFunction>>;
  functionSpecs?: Readonly<Record<FunctionName, FunctionSpec>>;
}

/**
 * Scheduled jobs: an EventBridge Scheduler group for their one-time schedules, a role the scheduler assumes that
 * may only send to the jobs queue, and, for each function that `schedulesJobs`, the right to create and delete
 * schedules of that group and to pass that role to the scheduler, nothing more.
 */
export class JobSchedules extends Construct {
  readonly group: CfnScheduleGroup;
  readonly role: Role;

  constructor(scope: Construct, id: string, props: JobSchedulesProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const groupName = `${props.namePrefix}-jobs`;
    this.group = new CfnScheduleGroup(this, 'group', { name: groupName });

    this.role = new Role(this, 'scheduler-role', {
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
      description: `Sends scheduled jobs' start messages to ${props.namePrefix}'s jobs queue`,
    });
    // SendMessage only (grantSendMessages adds GetQueueAttributes and GetQueueUrl, which the scheduler needs not).
    this.role.addToPolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['sqs:SendMessage'],
        resources: [props.queue.queueArn],
      }),
    );

    const schedulesArn = stack.formatArn({
      service: 'scheduler',
      resource: 'schedule',
      resourceName: `${groupName}/*`,
    });
    for (const [name, spec] of entriesOf(props.functionSpecs ?? functionSpecs)) {
      if (!spec.schedulesJobs) continue;
      const fn = props.functions[name];
      if (fn instanceof LambdaFunction) {
        fn.addEnvironment(jobScheduleEnv.group, groupName);
        fn.addEnvironment(jobScheduleEnv.roleArn, this.role.roleArn);
        fn.addEnvironment(jobScheduleEnv.queueArn, props.queue.queueArn);
      }
      fn.addToRolePolicy(
        new PolicyStatement({
          effect: Effect.ALLOW,
          actions: ['scheduler:CreateSchedule', 'scheduler:DeleteSchedule'],
          resources: [schedulesArn],
        }),
      );
      fn.addToRolePolicy(
        new PolicyStatement({
          effect: Effect.ALLOW,
          actions: ['iam:PassRole'],
          resources: [this.role.roleArn],
          conditions: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
        }),
      );
      if (fn.role) {
        NagSuppressions.addResourceSuppressions(
          fn.role,
          [
            {
              id: 'AwsSolutions-IAM5',
              reason:
                "A job's schedule is named by its jobId, unknown at deploy time: the grant covers the schedules of the stage's own jobs group only.",
              // A pattern, not the literal finding: partition, region and account are tokens in an
              // environment-agnostic synth but literals once the CLI knows them (CDK_DEFAULT_REGION/ACCOUNT).
              appliesTo: [{ regex: schedulesFinding(groupName) }],
            },
          ],
          true,
        );
      }
    }
  }
}
