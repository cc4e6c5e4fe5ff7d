import { ArnFormat, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { AnyPrincipal, Effect, PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Alias, Key } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

export interface EncryptionProps {
  namePrefix: string;
  retainData: boolean;
  /** Names (`*` allowed) of the log groups CloudWatch Logs may encrypt with the key. */
  logGroupNames: readonly string[];
}

/**
 * The stage's customer-managed KMS key (one per stage, rotated yearly): the log groups, the reports bucket and
 * the alarm topic are encrypted with it, so that reading them takes a grant on this key as well as on the
 * resource. The DynamoDB tables, queues, events topic and secret keep their AWS-managed encryption: they meet
 * the controls as they are, and a customer key there would add a key-policy entry for each service that writes
 * to them.
 */
export class Encryption extends Construct {
  readonly key: Key;

  constructor(scope: Construct, id: string, props: EncryptionProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.key = new Key(this, 'key', {
      description: `${props.namePrefix}: log groups, reports bucket and alarm topic`,
      enableKeyRotation: true,
      // Prod keeps its reports bucket after a teardown, and the objects in it need this key to be read.
      removalPolicy: props.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
      pendingWindow: Duration.days(props.retainData ? 30 : 7),
    });
    // The alias goes with the stack even where the key stays, so that a new stack can create it again.
    new Alias(this, 'alias', {
      aliasName: `alias/${props.namePrefix}`,
      targetKey: this.key,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    // CloudWatch Logs encrypts and decrypts for the stage's own log groups only.
    this.key.addToResourcePolicy(
      new PolicyStatement({
        principals: [new ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
        actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        resources: ['*'],
        conditions: {
          ArnLike: {
            'kms:EncryptionContext:aws:logs:arn': props.logGroupNames.map((name) =>
              stack.formatArn({
                service: 'logs',
                resource: 'log-group',
                resourceName: name,
                arnFormat: ArnFormat.COLON_RESOURCE_NAME,
              }),
            ),
          },
        },
      }),
    );
    // CT.KMS.PR.3: grants on this key only for AWS services acting on AWS resources; nothing here needs others.
    this.key.addToResourcePolicy(
      new PolicyStatement({
        effect: Effect.DENY,
        principals: [new AnyPrincipal()],
        actions: ['kms:CreateGrant'],
        resources: ['*'],
        conditions: {
          BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' },
        },
      }),
    );
  }
}
