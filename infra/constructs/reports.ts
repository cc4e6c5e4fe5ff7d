import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Grant, type IGrantable } from 'aws-cdk-lib/aws-iam';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { NagSuppressions } from 'cdk-nag';
import { Construct, type IConstruct } from 'constructs';

/** Days a report (its record and content) is kept before the lifecycle rule deletes it. */
export const REPORT_RETENTION_DAYS = 30;

export interface ReportsProps {
  namePrefix: string;
  retainData: boolean;
}

/**
 * The stage's reports bucket: each report's record and content (shared/store/s3-report-store.ts). Private
 * (public access blocked, ACLs off), encrypted (SSE-S3), TLS only, objects expire after the retention days.
 */
export class Reports extends Construct {
  readonly bucket: Bucket;

  constructor(scope: Construct, id: string, props: ReportsProps) {
    super(scope, id);
    this.bucket = new Bucket(this, 'bucket', {
      bucketName: `${props.namePrefix}-reports`,
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      versioned: false,
      lifecycleRules: [
        {
          id: 'expire-reports',
          expiration: Duration.days(REPORT_RETENTION_DAYS),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
      ],
      removalPolicy: props.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    NagSuppressions.addResourceSuppressions(this.bucket, [
      {
        id: 'AwsSolutions-S1',
        reason:
          'Reports are derived, short-lived copies of Transatel data, read through presigned URLs that the API ' +
          'hands to IAM-authorized callers (logged by API Gateway); a second bucket for access logs adds cost, not insight.',
      },
    ]);
  }

  /** Objects only, no listing and no bucket-level action: read the records and content, or write them too. */
  grant(grantee: IGrantable & IConstruct, access: 'read' | 'readWrite'): Grant {
    const grant = Grant.addToPrincipal({
      grantee,
      actions: access === 'read' ? ['s3:GetObject'] : ['s3:GetObject', 's3:PutObject'],
      resourceArns: [this.bucket.arnForObjects('*')],
    });
    NagSuppressions.addResourceSuppressions(
      grantee,
      [
        {
          id: 'AwsSolutions-IAM5',
          reason:
            'Report objects are named by report ids made at run time (<reportId>/...): the grant is on the objects ' +
            'of this one bucket, with object actions only (no listing, no bucket-level action).',
          appliesTo: [{ regex: '/^Resource::<.*reportsbucket.*\\.Arn>\\/\\*$/g' }],
        },
      ],
      true,
    );
    return grant;
  }
}
