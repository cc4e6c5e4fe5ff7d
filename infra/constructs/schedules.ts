import { Duration } from 'aws-cdk-lib';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { type FunctionName, type FunctionSpec, functions as functionSpecs } from '#shared/topology.js';
import { entriesOf } from '../records.js';

export interface SchedulesProps {
  namePrefix: string;
  functions: Readonly<Record<FunctionName, IFunction>>;
  functionSpecs?: Readonly<Record<FunctionName, FunctionSpec>>;
}

/** Retries of one run, by EventBridge (delivery) and by Lambda (a failed asynchronous invocation). */
export const SCHEDULE_RETRY_ATTEMPTS = 2;

/**
 * How long one run is worth retrying: until the next run would start anyway, whose result replaces it.
 * At least a minute, the floor of both EventBridge's and Lambda's maximum event age.
 */
export function scheduleMaxEventAge(scheduleMinutes: number): Duration {
  return Duration.minutes(Math.max(1, scheduleMinutes));
}

/**
 * One EventBridge rule per function whose FunctionSpec has `scheduleMinutes`, invoking it at that rate.
 * The target adds the only permission involved: `lambda:InvokeFunction` for events.amazonaws.com, scoped
 * to that rule's ARN. A run that keeps failing is dropped after its retries (the function's errors alarm
 * says so): the next run does the same work.
 */
export class Schedules extends Construct {
  readonly rules = new Map<FunctionName, Rule>();

  constructor(scope: Construct, id: string, props: SchedulesProps) {
    super(scope, id);
    for (const [name, spec] of entriesOf(props.functionSpecs ?? functionSpecs)) {
      const minutes = spec.scheduleMinutes;
      if (minutes === undefined) continue;
      if (!Number.isInteger(minutes) || minutes < 1) {
        throw new Error(
          `${name}: scheduleMinutes must be a positive whole number of minutes, got ${minutes}`,
        );
      }
      const fn = props.functions[name];
      const maxEventAge = scheduleMaxEventAge(minutes);

      // Lambda's own retries of a failed asynchronous invocation (function error, throttle), bounded the same way.
      fn.configureAsyncInvoke({ retryAttempts: SCHEDULE_RETRY_ATTEMPTS, maxEventAge });

      const rule = new Rule(this, `${name}-schedule`, {
        ruleName: `${props.namePrefix}-${name}`,
        description: `Invokes ${props.namePrefix}-${name} every ${minutes} minute${minutes === 1 ? '' : 's'}`,
        schedule: Schedule.rate(Duration.minutes(minutes)),
        targets: [new LambdaFunction(fn, { retryAttempts: SCHEDULE_RETRY_ATTEMPTS, maxEventAge })],
      });
      this.rules.set(name, rule);
    }
  }
}
