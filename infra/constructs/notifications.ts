import { ArnFormat, Stack } from 'aws-cdk-lib';
import { Grant, type IGrantable, PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Alias, type IKey } from 'aws-cdk-lib/aws-kms';
import { type ITopic, SubscriptionFilter, Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription, SqsSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface NotificationsProps {
  namePrefix: string;
  alarmEmail?: string | undefined;
  /** An existing topic that receives the alarms as well. */
  alarmTopicArn?: string | undefined;
  /** The stage's key (infra/constructs/encryption.ts), for the alarm topic. */
  encryptionKey: IKey;
}

/**
 * The SNS topics: normalized events for the company's other systems, and the alarm topic.
 */
export class Notifications extends Construct {
  readonly eventsTopic: ITopic;
  /** Where alarms go: our alarm topic, plus the stage's existing topic if it names one. */
  readonly alarmTopics: ITopic[];

  constructor(scope: Construct, id: string, props: NotificationsProps) {
    super(scope, id);

    // Publishers are our own functions, so the AWS-managed key is enough (no key policy to maintain).
    this.eventsTopic = new Topic(this, 'events', {
      topicName: `${props.namePrefix}-events`,
      displayName: 'IoT capped plans: normalized SIM and plan events',
      masterKey: Alias.fromAliasName(this, 'sns-managed-key', 'alias/aws/sns'),
      enforceSSL: true,
    });

    // CloudWatch cannot publish to a topic under the AWS-managed SNS key (its policy cannot name
    // cloudwatch.amazonaws.com), so the alarm topic is under the stage's key, which lets CloudWatch use it.
    props.encryptionKey.grant(
      new ServicePrincipal('cloudwatch.amazonaws.com'),
      'kms:Decrypt',
      'kms:GenerateDataKey*',
    );
    const alarmTopic = new Topic(this, 'alarms', {
      topicName: `${props.namePrefix}-alarms`,
      displayName: 'IoT capped plans alarms',
      masterKey: props.encryptionKey,
      enforceSSL: true,
    });
    // The topic policy that enforces TLS replaces SNS's default policy, so CloudWatch needs an explicit
    // allow, limited to this stage's alarms.
    alarmTopic.addToResourcePolicy(
      new PolicyStatement({
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [alarmTopic.topicArn],
        conditions: {
          ArnLike: {
            'aws:SourceArn': Stack.of(this).formatArn({
              service: 'cloudwatch',
              resource: 'alarm',
              resourceName: `${props.namePrefix}-*`,
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            }),
          },
        },
      }),
    );
    if (props.alarmEmail) alarmTopic.addSubscription(new EmailSubscription(props.alarmEmail));

    this.alarmTopics = [alarmTopic];
    if (props.alarmTopicArn) {
      this.alarmTopics.push(Topic.fromTopicArn(this, 'external-alarms', props.alarmTopicArn));
    }
  }

  /**
   * sns:Publish on the events topic, nothing else. Topic.grantPublish would add kms:GenerateDataKey* on
   * `key/*` (the AWS-managed key's id is unknown at synth); that key's own policy already admits this
   * account's principals calling through SNS, so the statement would only widen the role.
   */
  /**
   * Feeds a queue from the events topic (raw delivery: the queue receives the event as published), passing only
   * the events of the given types. CDK adds the queue policy that lets this topic send to it.
   */
  feedQueue(queue: IQueue, eventTypes: readonly string[]): void {
    this.eventsTopic.addSubscription(
      new SqsSubscription(queue, {
        rawMessageDelivery: true,
        filterPolicy: { type: SubscriptionFilter.stringFilter({ allowlist: [...eventTypes] }) },
      }),
    );
  }

  grantPublishEvents(grantee: IGrantable): Grant {
    return Grant.addToPrincipal({
      grantee,
      actions: ['sns:Publish'],
      resourceArns: [this.eventsTopic.topicArn],
    });
  }
}
