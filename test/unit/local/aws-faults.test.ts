import { describe, expect, it } from 'vitest';
import { RELIABILITY_AWS_FAULT_SEED, RELIABILITY_AWS_FAULTS } from '#bench/reliability.js';
import {
  AWS_FAULT_KINDS,
  type AwsFaultKind,
  type AwsFaultRates,
  type AwsService,
  awsFaultDice,
  classifyAwsRequest,
  faultAnswer,
  requestItems,
  throwDice,
} from '#local/aws-faults.js';

const body = (text: string) => Buffer.from(text, 'utf8');

/** The first `count` decisions the dice of `service` make for `seed` at `rates`. */
function decisions(seed: number, service: AwsService, rates: AwsFaultRates, count: number) {
  const dice = awsFaultDice(seed)[service];
  return Array.from({ length: count }, () => throwDice(dice, rates) ?? '-');
}

describe('AWS fault proxy: requests', () => {
  it('tells the services apart by their wire protocol', () => {
    const json = (target: string) => ({
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-target': target,
    });
    expect(classifyAwsRequest('POST', json('DynamoDB_20120810.UpdateItem'), body('{}'))).toEqual({
      service: 'dynamodb',
      operation: 'UpdateItem',
    });
    expect(classifyAwsRequest('POST', json('AmazonSQS.SendMessageBatch'), body('{}'))).toEqual({
      service: 'sqs',
      operation: 'SendMessageBatch',
    });
    const form = { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' };
    expect(classifyAwsRequest('POST', form, body('Action=PublishBatch&Version=2010-03-31'))).toEqual({
      service: 'sns',
      operation: 'PublishBatch',
    });
    expect(classifyAwsRequest('PUT', { 'content-type': 'text/csv' }, body('a,b'))).toEqual({
      service: 's3',
      operation: 'PUT',
    });
  });

  it('counts the entries a reset batch may have delivered twice', () => {
    const publish = { service: 'sns', operation: 'PublishBatch' } as const;
    const form = [
      'Action=PublishBatch',
      'PublishBatchRequestEntries.member.1.Id=a',
      'PublishBatchRequestEntries.member.1.Message=x',
      'PublishBatchRequestEntries.member.2.Id=b',
      'PublishBatchRequestEntries.member.2.Message=y',
    ].join('&');
    expect(requestItems(publish, body(form))).toBe(2);
    const send = { service: 'sqs', operation: 'SendMessageBatch' } as const;
    expect(requestItems(send, body(JSON.stringify({ Entries: [{}, {}, {}] })))).toBe(3);
    expect(requestItems({ service: 'sqs', operation: 'SendMessage' }, body('{}'))).toBe(1);
    expect(requestItems(send, body('not json'))).toBe(1);
  });
});

describe("AWS fault proxy: answers in each service's shape", () => {
  it('DynamoDB: JSON 1.0 errors, two throttling shapes, 500 and 503', () => {
    const types = [0, 1].map((nth) => {
      const answer = faultAnswer('dynamodb', 'throttle', nth);
      expect(answer.status).toBe(400);
      expect(answer.headers['content-type']).toBe('application/x-amz-json-1.0');
      return (JSON.parse(answer.body) as { __type: string }).__type;
    });
    expect(types).toEqual([
      'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException',
      'com.amazonaws.dynamodb.v20120810#ThrottlingException',
    ]);
    expect([0, 1].map((nth) => faultAnswer('dynamodb', 'error', nth).status)).toEqual([500, 503]);
  });

  it('SQS: JSON 1.0 with the query-compatible code the SDK reads first', () => {
    const throttled = faultAnswer('sqs', 'throttle', 0);
    expect(throttled.status).toBe(400);
    expect(throttled.headers['x-amzn-query-error']).toBe('RequestThrottled;Sender');
    expect(JSON.parse(throttled.body)).toMatchObject({ __type: 'com.amazonaws.sqs#RequestThrottled' });
    expect(faultAnswer('sqs', 'error', 1).headers['x-amzn-query-error']).toBe('ServiceUnavailable;Receiver');
  });

  it('SNS: the query protocol XML ErrorResponse, with the side at fault', () => {
    const throttled = faultAnswer('sns', 'throttle', 0);
    expect(throttled.status).toBe(400);
    expect(throttled.body).toContain('<Error><Type>Sender</Type><Code>Throttling</Code>');
    expect(faultAnswer('sns', 'throttle', 1).status).toBe(429);
    expect(faultAnswer('sns', 'error', 0).body).toContain('<Type>Receiver</Type><Code>InternalError</Code>');
  });

  it('S3: 503 SlowDown for throttling', () => {
    for (const nth of [0, 1]) {
      const answer = faultAnswer('s3', 'throttle', nth);
      expect(answer.status).toBe(503);
      expect(answer.body).toContain('<Code>SlowDown</Code>');
    }
  });
});

describe('AWS fault proxy: seeded dice', () => {
  const rates: AwsFaultRates = { throttleRate: 0.2, errorRate: 0.2, resetRate: 0.2 };

  it('decide the same faults for the same seed, and other ones for another', () => {
    expect(decisions(3, 'dynamodb', rates, 50)).toEqual(decisions(3, 'dynamodb', rates, 50));
    expect(decisions(3, 'dynamodb', rates, 50)).not.toEqual(decisions(4, 'dynamodb', rates, 50));
  });

  it('give each service its own streams: the n-th DynamoDB request meets the same dice whatever other calls came between', () => {
    const dice = awsFaultDice(3);
    const interleaved: string[] = [];
    for (let n = 0; n < 50; n++) {
      for (let other = 0; other < n % 4; other++) throwDice(dice.sqs, rates);
      throwDice(dice.sns, rates);
      interleaved.push(throwDice(dice.dynamodb, rates) ?? '-');
    }
    expect(interleaved).toEqual(decisions(3, 'dynamodb', rates, 50));
  });

  it('throw every die for every request: the reset stream does not depend on how many were throttled', () => {
    const resetsAlone = decisions(3, 'sqs', { resetRate: 0.2 }, 200).map((d) => d === 'reset');
    const resetsUnderAll = decisions(3, 'sqs', rates, 200);
    resetsUnderAll.forEach((decision, n) => {
      // A reset is only ever masked by a throttle or a 5xx of the same request.
      if (decision === 'reset') expect(resetsAlone[n]).toBe(true);
      if (resetsAlone[n] && decision === '-') throw new Error(`request ${n}: reset lost`);
    });
  });

  /**
   * The reliability runs' seed puts each kind's first fault early in each service's stream: within the first
   * 200 DynamoDB, 80 SQS and 15 SNS calls, fewer than any CI-sized run makes (120 orders: some 1,700, 350 and 35).
   * That is why test/reliability/aws-faults.test.ts always sees every kind in every service it calls.
   */
  it('the reliability seed meets every kind of fault early in each service the runs call', () => {
    const limits: Partial<Record<AwsService, number>> = { dynamodb: 200, sqs: 80, sns: 15 };
    for (const [service, limit] of Object.entries(limits) as [AwsService, number][]) {
      const seen = new Set<AwsFaultKind>(
        decisions(RELIABILITY_AWS_FAULT_SEED, service, RELIABILITY_AWS_FAULTS, limit).filter(
          (decision): decision is AwsFaultKind => decision !== '-',
        ),
      );
      expect([...seen].sort(), service).toEqual([...AWS_FAULT_KINDS].sort());
    }
  });
});
