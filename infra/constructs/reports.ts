import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Grant, type IGrantable, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { NagSuppressions } from 'cdk-nag';
import { Construct, type IConstruct } from 'constructs';
import { suppressGuard } from '../guard.js';

/** Days a report (its record and content) is kept before the lifecycle rule deletes it. */
export const REPORT_RETENTION_DAYS = 30;

/** Days an overwritten or deleted object stays recoverable (versioning) before it goes for good. */
export const NONCURRENT_VERSION_DAYS = 7;

export interface ReportsProps {
  namePrefix: string;
  retainData: boolean;
  /** The stage's key (infra/constructs/encryption.ts). */
  encryptionKey: IKey;
  /** Days the reports bucket's access logs are kept: the stage's log retention. */
  accessLogRetentionDays: number;
}

const NO_OBJECT_LOCK =
  'Object Lock keeps records that must outlive whoever could delete them; these objects expire by lifecycle ' +
  'rule on purpose, and versioning already keeps an overwritten or deleted one recoverable for a week.';
const NO_EVENT_NOTIFICATIONS =
  'Nothing reacts to new objects in this bucket: no consumer would receive the notifications.';

/**
 * The stage's reports bucket: each report's record and content (shared/store/s3-report-store.ts). Private
 * (public access blocked, ACLs off), encrypted with the stage's key, TLS only, versioned (an overwritten or
 * deleted object stays recoverable for a week), objects expire after the retention days, every request logged
 * to a second bucket.
 */
export class Reports extends Construct {
  readonly bucket: Bucket;
  readonly accessLogs: Bucket;
  private readonly encryptionKey: IKey;

  constructor(scope: Construct, id: string, props: ReportsProps) {
    super(scope, id);
    this.encryptionKey = props.encryptionKey;
    const removalPolicy = props.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

    this.accessLogs = new Bucket(this, 'access-logs', {
      // S3 delivers server access logs only to a bucket encrypted with S3-managed keys.
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      versioned: true,
      lifecycleRules: [
        {
          id: 'expire-access-logs',
          expiration: Duration.days(props.accessLogRetentionDays),
          noncurrentVersionExpiration: Duration.days(NONCURRENT_VERSION_DAYS),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
      ],
      removalPolicy,
    });
    NagSuppressions.addResourceSuppressions(this.accessLogs, [
      {
        id: 'AwsSolutions-S1',
        reason:
          'This is the access-log bucket of the reports bucket: logging its own log deliveries would only log ' +
          'itself; its objects are written by the S3 logging service alone (bucket policy).',
      },
    ]);
    suppressGuard(this.accessLogs, {
      s3_bucket_default_encryption_kms_check:
        'A server access log target bucket must use SSE-S3: S3 does not deliver access logs to an SSE-KMS bucket.',
      s3_bucket_logging_enabled_check:
        'This is the access-log bucket: logging it would need a third bucket that logs nothing of interest.',
      s3_bucket_object_lock_enabled_check: NO_OBJECT_LOCK,
      s3_event_notifications_enabled_check: NO_EVENT_NOTIFICATIONS,
    });

    this.bucket = new Bucket(this, 'bucket', {
      bucketName: `${props.namePrefix}-reports`,
      encryption: BucketEncryption.KMS,
      encryptionKey: props.encryptionKey,
      // One data key per bucket, not per object: fewer KMS requests, the same key policy.
      bucketKeyEnabled: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      versioned: true,
      serverAccessLogsBucket: this.accessLogs,
      serverAccessLogsPrefix: 'reports/',
      lifecycleRules: [
        {
          // In a versioned bucket expiry leaves a delete marker; the version behind it goes a week later,
          // and S3 then removes the marker itself.
          id: 'expire-reports',
          expiration: Duration.days(REPORT_RETENTION_DAYS),
          noncurrentVersionExpiration: Duration.days(NONCURRENT_VERSION_DAYS),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
      ],
      removalPolicy,
    });
    suppressGuard(this.bucket, {
      s3_bucket_object_lock_enabled_check: NO_OBJECT_LOCK,
      s3_event_notifications_enabled_check:
        'Nothing reacts to new reports: the worker records a report as done and the API reads that record.',
    });
  }

  /**
   * Object reads (and writes), a listing of the bucket, and the key, through S3 only; nothing else. Listing lets a
   * read of a report that is not there answer 404 NoSuchKey: without s3:ListBucket S3 answers 403, so that
   * a caller who may not list cannot learn which keys exist.
   */
  grant(grantee: IGrantable & IConstruct, access: 'read' | 'readWrite'): Grant {
    const grant = Grant.addToPrincipal({
      grantee,
      actions: access === 'read' ? ['s3:GetObject'] : ['s3:GetObject', 's3:PutObject'],
      resourceArns: [this.bucket.arnForObjects('*')],
    });
    // Not narrowed with an s3:prefix condition: every key of this bucket is a report's (rpt_...), so a condition
    // would narrow nothing, and whether S3's check for a missing key carries s3:prefix is not documented.
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['s3:ListBucket'], resources: [this.bucket.bucketArn] }),
    );
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({
        actions: access === 'read' ? ['kms:Decrypt'] : ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: [this.encryptionKey.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `s3.${Stack.of(this).region}.amazonaws.com` } },
      }),
    );
    NagSuppressions.addResourceSuppressions(
      grantee,
      [
        {
          id: 'AwsSolutions-IAM5',
          reason:
            'Report objects are named by report ids made at run time (<reportId>/...): the grant is on the objects ' +
            'of this one bucket, with object actions only (no deletion, no bucket-level action but listing).',
          appliesTo: [{ regex: '/^Resource::<.*reportsbucket.*\\.Arn>\\/\\*$/g' }],
        },
      ],
      true,
    );
    return grant;
  }
}
