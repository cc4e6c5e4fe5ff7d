import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';

/** The one identity the local runtime uses: dummy keys, so nothing here can ever reach real AWS. */
export const LOCAL_REGION = 'us-east-1';
export const LOCAL_ACCOUNT_ID = '000000000000';
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;

export interface LocalEndpoints {
  /** fauxqs. */
  sqs: string;
  /** fauxqs as well (same port). */
  sns: string;
  /** dynalite. */
  dynamodb: string;
}

export interface LocalAwsClients {
  /** Provisioning, the pollers' receives and deletes, and the job scheduler's sends. */
  sqs: SQSClient;
  sns: SNSClient;
  dynamodb: DynamoDBClient;
  /** fauxqs' S3 (the SQS port, path-style): the reports bucket. */
  s3: S3Client;
  destroy(): void;
}

/** Clients of the runtime itself (provisioning, pollers), with explicit endpoints. */
export function localAwsClients(endpoints: LocalEndpoints): LocalAwsClients {
  const base = { region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };
  const sqs = new SQSClient({ ...base, endpoint: endpoints.sqs, cacheMiddleware: true });
  const sns = new SNSClient({ ...base, endpoint: endpoints.sns, cacheMiddleware: true });
  const dynamodb = new DynamoDBClient({ ...base, endpoint: endpoints.dynamodb });
  const s3 = new S3Client({ ...base, endpoint: endpoints.sqs, forcePathStyle: true });
  return {
    sqs,
    sns,
    dynamodb,
    s3,
    destroy() {
      sqs.destroy();
      sns.destroy();
      dynamodb.destroy();
      s3.destroy();
    },
  };
}
