import { ArnFormat, Duration, Stack } from 'aws-cdk-lib';
import { type IQueue, Queue, QueueEncryption, RedrivePermission } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import {
  DLQ_RETENTION_DAYS,
  type FunctionName,
  type FunctionSpec,
  type QueueName,
  type QueueSpec,
  queues as queueSpecs,
} from '#shared/topology.js';
import { mapRecord } from '../records.js';

export interface QueuePair {
  queue: IQueue;
  deadLetterQueue: IQueue;
  spec: QueueSpec;
}

export interface QueuesProps {
  namePrefix: string;
  functionSpecs: Readonly<Record<FunctionName, FunctionSpec>>;
  queueSpecs?: Readonly<Record<QueueName, QueueSpec>>;
}

/** AWS guidance for SQS event sources: visibility at least six times the consumer's timeout. */
export const VISIBILITY_TO_TIMEOUT_RATIO = 6;

/** One SQS queue per topology entry, each with its own DLQ; both encrypted and TLS-only. */
export class Queues extends Construct {
  readonly queues: Record<QueueName, QueuePair>;

  constructor(scope: Construct, id: string, props: QueuesProps) {
    super(scope, id);
    this.queues = mapRecord(props.queueSpecs ?? queueSpecs, (spec, name) => {
      const consumerTimeout = props.functionSpecs[spec.consumer].timeoutSeconds;
      if (spec.visibilityTimeoutSeconds < VISIBILITY_TO_TIMEOUT_RATIO * consumerTimeout) {
        throw new Error(
          `Queue ${name}: visibility timeout ${spec.visibilityTimeoutSeconds}s is under ${VISIBILITY_TO_TIMEOUT_RATIO}x ` +
            `the ${consumerTimeout}s timeout of ${spec.consumer}`,
        );
      }
      const queueName = `${props.namePrefix}-${name}`;
      // The DLQ takes messages from its own queue only (CT.SQS.PR.1). Its ARN is built from the name: a
      // reference would make each queue depend on the other.
      const source = Queue.fromQueueArn(
        this,
        `${name}-source`,
        Stack.of(this).formatArn({
          service: 'sqs',
          resource: queueName,
          arnFormat: ArnFormat.NO_RESOURCE_NAME,
        }),
      );
      const deadLetterQueue = new Queue(this, `${name}-dlq`, {
        queueName: `${queueName}-dlq`,
        retentionPeriod: Duration.days(DLQ_RETENTION_DAYS),
        encryption: QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        redriveAllowPolicy: { redrivePermission: RedrivePermission.BY_QUEUE, sourceQueues: [source] },
      });
      const queue = new Queue(this, `${name}-queue`, {
        queueName,
        visibilityTimeout: Duration.seconds(spec.visibilityTimeoutSeconds),
        retentionPeriod: Duration.days(spec.retentionDays),
        encryption: QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        deadLetterQueue: { queue: deadLetterQueue, maxReceiveCount: spec.maxReceiveCount },
      });
      return { queue, deadLetterQueue, spec };
    });
  }
}
