/**
 * AWS list prices that bench/aws-cost.ts multiplies the bulk run's counted requests by: us-east-1, on demand,
 * as listed 2026-12, in US dollars per unit, the free tier not applied. Each with its source page.
 */
export const AWS_PRICES_REGION = 'us-east-1';
export const AWS_PRICES_AS_OF = '2026-12';

export interface AwsPrices {
  lambdaRequest: number;
  /** Duration on arm64, the functions' architecture. */
  lambdaGbSecond: number;
  httpApiRequest: number;
  sqsRequest: number;
  dynamodbWriteUnit: number;
  dynamodbReadUnit: number;
  snsRequest: number;
  secretsManagerCall: number;
  logsIngestedGb: number;
}

export const awsPrices: AwsPrices = {
  // https://aws.amazon.com/lambda/pricing/ : $0.20 per 1M requests; duration on Arm (Graviton2),
  // $0.0000133334 per GB-second (first 7.5 billion GB-seconds a month; x86 is $0.0000166667), billed per
  // millisecond. The functions run on arm64 (infra/constructs/functions.ts: Architecture.ARM_64).
  lambdaRequest: 0.2 / 1e6,
  lambdaGbSecond: 0.0000133334,
  // https://aws.amazon.com/api-gateway/pricing/ : HTTP APIs, $1.00 per 1M requests (first 300M a month).
  httpApiRequest: 1.0 / 1e6,
  // https://aws.amazon.com/sqs/pricing/ : standard queues, $0.40 per 1M requests; every API action is a
  // request, a batch of up to 10 messages one, each 64 KB chunk of a payload one.
  sqsRequest: 0.4 / 1e6,
  // https://aws.amazon.com/dynamodb/pricing/on-demand/ : $0.625 per 1M write request units, $0.125 per 1M
  // read request units (halved on 2024-11-01 from $1.25 and $0.25). A write unit per 1 KB written, a read unit
  // per 4 KB read strongly consistent (half for eventually consistent), transactions twice.
  dynamodbWriteUnit: 0.625 / 1e6,
  dynamodbReadUnit: 0.125 / 1e6,
  // https://aws.amazon.com/sns/pricing/ : standard topics, $0.50 per 1M API requests (Publish); deliveries
  // to SQS queues are free.
  snsRequest: 0.5 / 1e6,
  // https://aws.amazon.com/secrets-manager/pricing/ : $0.05 per 10,000 API calls.
  secretsManagerCall: 0.05 / 1e4,
  // https://aws.amazon.com/cloudwatch/pricing/ : logs ingested (standard), $0.50 per GB.
  logsIngestedGb: 0.5,
};
