import { RemovalPolicy } from 'aws-cdk-lib';
import { type CfnSecret, type ISecret, Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';

export interface SecretsProps {
  /** e.g. `iot-capped-plans/prod/transatel`. */
  secretName: string;
  retainData: boolean;
}

/**
 * The Transatel credentials secret. The template defines the container only: the value
 * (`{ "clientId", "clientSecret", "webhookSecrets": [current, previous?] }`) is put in by an operator
 * after the first deploy (docs/deploy.md), so it never appears in a template, a diff or a CI log.
 */
export class Secrets extends Construct {
  readonly transatel: ISecret;

  constructor(scope: Construct, id: string, props: SecretsProps) {
    super(scope, id);
    const secret = new Secret(this, 'transatel', {
      secretName: props.secretName,
      description:
        'Transatel API client credentials and webhook signing secrets: {clientId, clientSecret, webhookSecrets[]}',
      removalPolicy: props.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    // The L2 construct asks Secrets Manager to generate a random password when no value is given; with
    // neither SecretString nor GenerateSecretString CloudFormation creates an empty secret instead.
    (secret.node.defaultChild as CfnSecret).addPropertyDeletionOverride('GenerateSecretString');
    NagSuppressions.addResourceSuppressions(secret, [
      {
        id: 'AwsSolutions-SMG4',
        reason:
          'Transatel issues the client credentials and webhook secrets in its portal; no Lambda can rotate them. ' +
          'Operators rotate them by hand: the webhook verifier accepts the current and the previous secret.',
      },
    ]);
    this.transatel = secret;
  }
}
