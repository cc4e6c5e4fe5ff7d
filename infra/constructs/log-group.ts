import { RemovalPolicy } from 'aws-cdk-lib';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { suppressGuard } from '../guard.js';
import type { StageConfig } from '../stages.js';

/** What CT.CLOUDWATCH.PR.2 asks of every log group. */
export const CONTROL_TOWER_LOG_RETENTION_DAYS = 365;

export interface StageLogGroupProps {
  logGroupName: string;
  stage: Pick<StageConfig, 'name' | 'logging'>;
  /** The stage's key (infra/constructs/encryption.ts). */
  encryptionKey: IKey;
}

/** A log group kept for the stage's retention and encrypted with the stage's key. */
export function stageLogGroup(scope: Construct, id: string, props: StageLogGroupProps): LogGroup {
  const logGroup = new LogGroup(scope, id, {
    logGroupName: props.logGroupName,
    retention: props.stage.logging.retention,
    encryptionKey: props.encryptionKey,
    // Logs expire with their retention; keeping named groups after a teardown would only block a redeploy.
    removalPolicy: RemovalPolicy.DESTROY,
  });
  if (props.stage.logging.retention < CONTROL_TOWER_LOG_RETENTION_DAYS) {
    suppressGuard(logGroup, {
      cloudwatch_log_group_retention_period_check:
        `Stage ${props.stage.name} is a test stage: its logs serve debugging, not audit, and are kept ` +
        `${props.stage.logging.retention} days; prod keeps its logs a year.`,
    });
  }
  return logGroup;
}
