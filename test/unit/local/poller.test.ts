import { describe, expect, it } from 'vitest';
import { failedMessageIds, toSqsRecord } from '#local/poller.js';

const batch = [toSqsRecord({ MessageId: 'a' }, 'arn:q'), toSqsRecord({ MessageId: 'b' }, 'arn:q')];

describe('partial batch responses, read as Lambda reads them', () => {
  it('counts no batchItemFailures as success', () => {
    for (const result of [
      undefined,
      null,
      {},
      { batchItemFailures: [] },
      { batchItemFailures: null },
      'done',
    ]) {
      expect(failedMessageIds(result, batch)).toEqual(new Set());
    }
  });

  it('returns the listed ids', () => {
    expect(failedMessageIds({ batchItemFailures: [{ itemIdentifier: 'b' }] }, batch)).toEqual(new Set(['b']));
  });

  it('fails the whole batch on an empty, unknown or malformed identifier', () => {
    for (const failures of [[{ itemIdentifier: '' }], [{ itemIdentifier: 'zzz' }], [{}], ['a'], 'a']) {
      expect(failedMessageIds({ batchItemFailures: failures }, batch)).toBe('all');
    }
  });
});

describe('SQS records', () => {
  it('carries message attributes in Lambda casing, binary ones base64-encoded', () => {
    const record = toSqsRecord(
      {
        MessageId: 'm',
        ReceiptHandle: 'r',
        Body: 'b',
        MD5OfBody: 'md5',
        Attributes: {
          ApproximateReceiveCount: '3',
          SentTimestamp: '1',
          SenderId: 's',
          ApproximateFirstReceiveTimestamp: '2',
        },
        MessageAttributes: { bin: { DataType: 'Binary', BinaryValue: Uint8Array.from([1, 2]) } },
      },
      'arn:aws:sqs:us-east-1:000000000000:q',
    );
    expect(record).toEqual({
      messageId: 'm',
      receiptHandle: 'r',
      body: 'b',
      attributes: {
        ApproximateReceiveCount: '3',
        SentTimestamp: '1',
        SenderId: 's',
        ApproximateFirstReceiveTimestamp: '2',
      },
      messageAttributes: {
        bin: { dataType: 'Binary', binaryValue: 'AQI=', stringListValues: [], binaryListValues: [] },
      },
      md5OfBody: 'md5',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:q',
      awsRegion: 'us-east-1',
    });
  });
});
