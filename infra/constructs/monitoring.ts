import { Duration } from 'aws-cdk-lib';
import type { HttpStage } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Alarm,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  type IMetric,
  Metric,
  Stats,
  TextWidget,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IRule } from 'aws-cdk-lib/aws-events';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { FilterPattern, type ILogGroup, MetricFilter } from 'aws-cdk-lib/aws-logs';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { POLICY_DECISION_MESSAGE } from '#shared/policies/engine.js';
import type { FunctionName, QueueName } from '#shared/topology.js';
import { ORDER_HELD_FOR_REVIEW_MESSAGE } from '#shared/workflow/order-moves.js';
import { entriesOf } from '../records.js';
import type { StageConfig } from '../stages.js';
import type { QueuePair } from './queues.js';

export interface MonitoringProps {
  stage: StageConfig;
  namePrefix: string;
  alarmTopics: readonly ITopic[];
  functions: Readonly<Record<FunctionName, IFunction>>;
  logGroups?: Readonly<Partial<Record<FunctionName, ILogGroup>>>;
  queues: Readonly<Record<QueueName, QueuePair>>;
  /** The EventBridge rules of the scheduled functions. */
  scheduleRules?: ReadonlyMap<FunctionName, IRule>;
  apiStage: HttpStage;
}

/** The workers whose steps may hold an order for review, and the line they log when they do. */
const REVIEW_HOLDERS: readonly FunctionName[] = ['plan-worker', 'activation-worker'];

const ONE_MINUTE = Duration.minutes(1);
const FIVE_MINUTES = Duration.minutes(5);

/**
 * Alarms (to the alarm topics) and one dashboard: DLQ depth, age of the oldest message per queue,
 * errors and throttles per function, schedule rules that could not invoke their function.
 */
export class Monitoring extends Construct {
  readonly alarms: Alarm[] = [];

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const actions = props.alarmTopics.map((topic) => new SnsAction(topic));
    const alarm = (alarmId: string, description: string, metric: IMetric, threshold: number): void => {
      const created = new Alarm(this, alarmId, {
        alarmName: `${props.namePrefix}-${alarmId}`,
        alarmDescription: description,
        metric,
        threshold,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      created.addAlarmAction(...actions);
      created.addOkAction(...actions);
      this.alarms.push(created);
    };

    for (const [name, { queue, deadLetterQueue }] of entriesOf(props.queues)) {
      alarm(
        `${name}-dlq-depth`,
        `Messages of the ${name} queue gave up and wait in its DLQ: read the orders' failure reasons, then redrive.`,
        deadLetterQueue.metricApproximateNumberOfMessagesVisible({
          period: ONE_MINUTE,
          statistic: Stats.MAXIMUM,
        }),
        0,
      );
      alarm(
        `${name}-oldest-message-age`,
        `The ${name} queue is falling behind: its oldest message is over ${props.stage.alarms.oldestMessageAgeSeconds}s old.`,
        queue.metricApproximateAgeOfOldestMessage({ period: ONE_MINUTE, statistic: Stats.MAXIMUM }),
        props.stage.alarms.oldestMessageAgeSeconds,
      );
    }

    for (const [name, fn] of entriesOf(props.functions)) {
      alarm(
        `${name}-errors`,
        `${name} failed invocations (uncaught errors, timeouts).`,
        fn.metricErrors({ period: FIVE_MINUTES, statistic: Stats.SUM }),
        0,
      );
      alarm(
        `${name}-throttles`,
        `${name} was throttled (account or reserved concurrency exhausted).`,
        fn.metricThrottles({ period: FIVE_MINUTES, statistic: Stats.SUM }),
        0,
      );
    }

    for (const [name, rule] of props.scheduleRules ?? []) {
      // A run that never reached the function leaves no Errors datapoint: only the rule's metric shows it.
      alarm(
        `${name}-schedule-failed-invocations`,
        `The schedule of ${name} could not invoke it, retries included (permission, throttling, deleted function).`,
        new Metric({
          namespace: 'AWS/Events',
          metricName: 'FailedInvocations',
          dimensionsMap: { RuleName: rule.ruleName },
          period: FIVE_MINUTES,
          statistic: Stats.SUM,
        }),
        0,
      );
    }

    // An order held for review may have bought its plan and waits for a person: one is worth an alarm.
    const heldForReview = new Metric({
      namespace: props.namePrefix,
      metricName: 'OrdersHeldForReview',
      period: FIVE_MINUTES,
      statistic: Stats.SUM,
    });
    for (const name of REVIEW_HOLDERS) {
      const logGroup = props.logGroups?.[name];
      if (!logGroup) continue;
      new MetricFilter(this, `${name}-held-for-review`, {
        logGroup,
        metricNamespace: heldForReview.namespace,
        metricName: heldForReview.metricName,
        filterPattern: FilterPattern.stringValue('$.message', '=', ORDER_HELD_FOR_REVIEW_MESSAGE),
        metricValue: '1',
      });
    }
    alarm(
      'orders-held-for-review',
      "An order stopped in NEEDS_REVIEW: its plan may have been bought and Transatel cannot prove it. Check the SIM's plans, then POST /v1/orders/{orderId}/resolve (the order.needs_review event names it).",
      heldForReview,
      0,
    );

    // Policies that keep hitting their limits: a fleet running out of data faster than its budget allows.
    const limitReached = new Metric({
      namespace: props.namePrefix,
      metricName: 'PolicyLimitsReached',
      period: FIVE_MINUTES,
      statistic: Stats.SUM,
    });
    const policyLogs = props.logGroups?.['policy-worker'];
    if (policyLogs) {
      new MetricFilter(this, 'policy-limit-reached', {
        logGroup: policyLogs,
        metricNamespace: limitReached.namespace,
        metricName: limitReached.metricName,
        filterPattern: FilterPattern.all(
          FilterPattern.stringValue('$.message', '=', POLICY_DECISION_MESSAGE),
          FilterPattern.stringValue('$.decision', '=', 'limit-reached'),
        ),
        metricValue: '1',
      });
    }
    alarm(
      'policy-limits-reached',
      `More than ${props.stage.alarms.policyLimitsPerFiveMinutes} top-ups were stopped by their policy's limits in 5 minutes: SIMs are running out of data faster than the policies allow (see the policy.limit_reached events).`,
      limitReached,
      props.stage.alarms.policyLimitsPerFiveMinutes,
    );

    this.dashboard(props);
  }

  private dashboard(props: MonitoringProps): void {
    const queues = entriesOf(props.queues);
    const functions = entriesOf(props.functions);
    const byFunction = (metric: (fn: IFunction, label: string) => IMetric) =>
      functions.map(([name, fn]) => metric(fn, name));
    const byQueue = (metric: (pair: QueuePair, label: string) => IMetric) =>
      queues.map(([name, pair]) => metric(pair, name));
    const dashboard = new Dashboard(this, 'dashboard', {
      dashboardName: `${props.namePrefix}-overview`,
      defaultInterval: Duration.hours(3),
    });
    dashboard.addWidgets(
      new TextWidget({
        markdown: `# ${props.namePrefix}\nAPI traffic, queue backlogs and DLQs, and every function's health.`,
        width: 24,
        height: 2,
      }),
    );
    dashboard.addWidgets(
      new GraphWidget({
        title: 'API requests and errors',
        width: 12,
        left: [
          props.apiStage.metricCount({ period: FIVE_MINUTES, statistic: Stats.SUM, label: 'requests' }),
          props.apiStage.metricClientError({ period: FIVE_MINUTES, label: '4xx' }),
          props.apiStage.metricServerError({ period: FIVE_MINUTES, label: '5xx' }),
        ],
      }),
      new GraphWidget({
        title: 'API latency (p50, p99)',
        width: 12,
        left: [
          props.apiStage.metricLatency({ period: FIVE_MINUTES, statistic: Stats.p(50), label: 'p50' }),
          props.apiStage.metricLatency({ period: FIVE_MINUTES, statistic: Stats.p(99), label: 'p99' }),
        ],
      }),
    );
    dashboard.addWidgets(
      new GraphWidget({
        title: 'Queue backlog (visible messages)',
        width: 8,
        left: byQueue(({ queue }, label) =>
          queue.metricApproximateNumberOfMessagesVisible({
            period: ONE_MINUTE,
            statistic: Stats.MAXIMUM,
            label,
          }),
        ),
      }),
      new GraphWidget({
        title: 'Age of oldest message (s)',
        width: 8,
        left: byQueue(({ queue }, label) =>
          queue.metricApproximateAgeOfOldestMessage({ period: ONE_MINUTE, statistic: Stats.MAXIMUM, label }),
        ),
      }),
      new GraphWidget({
        title: 'DLQ depth',
        width: 8,
        left: byQueue(({ deadLetterQueue }, label) =>
          deadLetterQueue.metricApproximateNumberOfMessagesVisible({
            period: ONE_MINUTE,
            statistic: Stats.MAXIMUM,
            label,
          }),
        ),
      }),
    );
    dashboard.addWidgets(
      new GraphWidget({
        title: 'Invocations',
        width: 6,
        left: byFunction((fn, label) =>
          fn.metricInvocations({ period: FIVE_MINUTES, statistic: Stats.SUM, label }),
        ),
      }),
      new GraphWidget({
        title: 'Errors',
        width: 6,
        left: byFunction((fn, label) =>
          fn.metricErrors({ period: FIVE_MINUTES, statistic: Stats.SUM, label }),
        ),
      }),
      new GraphWidget({
        title: 'Throttles',
        width: 6,
        left: byFunction((fn, label) =>
          fn.metricThrottles({ period: FIVE_MINUTES, statistic: Stats.SUM, label }),
        ),
      }),
      new GraphWidget({
        title: 'Duration p95 (ms)',
        width: 6,
        left: byFunction((fn, label) =>
          fn.metricDuration({ period: FIVE_MINUTES, statistic: Stats.p(95), label }),
        ),
      }),
    );
  }
}
