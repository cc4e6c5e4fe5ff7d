import { describe, expect, it } from 'vitest';
import { awsCostPer1000, awsCostTable, type CountedUsage, summarizeCost } from '#bench/aws-cost.js';
import { type AwsPrices, awsPrices } from '#bench/aws-prices.js';

/** Round prices, so that every figure below is checked by hand. */
const prices: AwsPrices = {
  lambdaRequest: 0.2 / 1e6,
  lambdaGbSecond: 0.00001,
  httpApiRequest: 1 / 1e6,
  sqsRequest: 0.4 / 1e6,
  dynamodbWriteUnit: 1 / 1e6,
  dynamodbReadUnit: 0.25 / 1e6,
  snsRequest: 0.5 / 1e6,
  secretsManagerCall: 0.05 / 1e4,
  logsIngestedGb: 0.5,
};

/** 2,000 orders: every count is twice the figure per 1,000. */
const usage: CountedUsage = {
  orders: 2000,
  apiRequests: 4002,
  functions: [
    { name: 'webhook-intake', invocations: 4000, billedMs: 200_000, memoryMb: 256 },
    { name: 'activation-worker', invocations: 200, billedMs: 400_000, memoryMb: 1024 },
    { name: 'catalog-api', invocations: 0, billedMs: 0, memoryMb: 512 },
  ],
  requests: {
    'AmazonSQS.SendMessage': 8000,
    'AmazonSQS.ReceiveMessage': 3000,
    'AmazonSQS.DeleteMessageBatch': 400,
    'DynamoDB.UpdateItem': 6000,
    'DynamoDB.GetItem': 4000,
    'DynamoDB.DescribeTable': 2,
    'SNS.Publish': 4000,
    'Transatel.GET': 9999,
  },
  receivesWithMessages: 400,
  capacityUnits: { 'DynamoDB.UpdateItem': 7000, 'DynamoDB.GetItem': 3000 },
  failedRequests: { 'DynamoDB.UpdateItem': 100, 'DynamoDB.GetItem': 20 },
};

function usdOf(lines: ReturnType<typeof awsCostPer1000>, what: string): number | undefined {
  return lines.find((line) => line.what === what)?.usd;
}

describe('the AWS cost per 1,000 orders', () => {
  const lines = awsCostPer1000(usage, prices);

  it('prices API Gateway and Lambda requests, and Lambda GB-seconds from billed ms and memory', () => {
    expect(usdOf(lines, 'HTTP API requests')).toBeCloseTo(2001 / 1e6, 12);
    // 2,100 invocations per 1,000 orders (the function never invoked adds nothing).
    expect(usdOf(lines, 'requests (invocations)')).toBeCloseTo(2100 * 0.2e-6, 12);
    // webhook-intake: 100 s × 0.25 GB = 25 GB-s per 1,000; activation-worker: 200 s × 1 GB = 200 GB-s.
    const compute = lines.filter((line) => line.what.startsWith('compute: '));
    expect(compute.map((line) => [line.what, line.quantity])).toEqual([
      ['compute: activation-worker', 200],
      ['compute: webhook-intake', 25],
    ]);
    expect(compute[0]?.usd).toBeCloseTo(0.002, 12);
    expect(compute[0]?.msPerInvocation).toBe(2000);
  });

  it('counts every SQS request but the receives that brought nothing', () => {
    expect(usdOf(lines, 'SendMessage')).toBeCloseTo(4000 * 0.4e-6, 12);
    expect(usdOf(lines, 'ReceiveMessage (with messages)')).toBeCloseTo(200 * 0.4e-6, 12);
    expect(usdOf(lines, 'DeleteMessageBatch')).toBeCloseTo(200 * 0.4e-6, 12);
  });

  it('prices DynamoDB by capacity units, a failed write as one unit, control-plane calls not at all', () => {
    const update = lines.find((line) => line.what === 'UpdateItem');
    expect(update).toMatchObject({ unit: 'write units', quantity: 3550, requests: 3000, failed: 50 });
    expect(update?.usd).toBeCloseTo(3550e-6, 12);
    const get = lines.find((line) => line.what === 'GetItem');
    expect(get).toMatchObject({ unit: 'read units', quantity: 1500 });
    expect(get?.usd).toBeCloseTo(1500 * 0.25e-6, 12);
    expect(lines.some((line) => line.what === 'DescribeTable' || line.what.includes('Transatel'))).toBe(
      false,
    );
  });

  it('prices SNS publishes and sums the bill, most expensive service first', () => {
    expect(usdOf(lines, 'Publish')).toBeCloseTo(2000 * 0.5e-6, 12);
    const summary = summarizeCost(lines);
    const expected =
      2001e-6 + 2100 * 0.2e-6 + 0.002 + 25e-5 + (4000 + 200 + 200) * 0.4e-6 + 3550e-6 + 1500 * 0.25e-6 + 1e-3;
    expect(summary.total).toBeCloseTo(expected, 12);
    expect(summary.byService.map((entry) => entry.service)).toEqual([
      'DynamoDB',
      'Lambda',
      'API Gateway',
      'SQS',
      'SNS',
    ]);
    expect(summary.byLine[0]?.what).toBe('UpdateItem');
  });

  it('needs orders to share the bill between', () => {
    expect(() => awsCostPer1000({ ...usage, orders: 0 }, prices)).toThrow('No orders');
  });

  it('prints a row per line, a total, and names what dominates', () => {
    const context = {
      seconds: 60,
      idleReceives: 2600,
      capacityUnitsByTable: { 'local-orders': 9000, 'local-history': 1000 },
    };
    const { table, summary } = awsCostTable(usage, context, prices);
    expect(table.rows.at(-1)).toEqual(['total', '', '', '', `$${summary.total.toFixed(5)}`, '100.0 %']);
    expect(table.rows.find((row) => row[1] === 'UpdateItem')).toEqual([
      'DynamoDB',
      'UpdateItem',
      '3,550 write units (3,000 requests, 50.0 failed: 1 unit each)',
      '$1.00 / 1M write units',
      '$0.00355',
      `${((3550e-6 / summary.total) * 100).toFixed(1)} %`,
    ]);
    expect(table.rows.find((row) => row[1] === 'compute: activation-worker')?.[2]).toBe(
      '200.00 GB-s (100 × 2000.0 ms × 1024 MB)',
    );
    expect(table.notes?.[0]).toMatch(/^What dominates: DynamoDB UpdateItem 31\.3 %, then API Gateway /);
    expect(table.notes?.[0]).toContain('by service DynamoDB 34.6 %, Lambda 23.5 %');
    expect(table.notes?.join(' ')).toContain('local-orders 90.0 %');
    expect(table.notes?.join(' ')).toContain('2,600 ReceiveMessage calls that brought nothing');
    // At the list prices, the DynamoDB units are priced as listed.
    const listed = awsCostTable(usage, context).table.rows.find((row) => row[1] === 'UpdateItem');
    expect(listed?.[3]).toBe(`$${awsPrices.dynamodbWriteUnit * 1e6} / 1M write units`);
  });

  it('prices Lambda duration at the arm64 rate, each function at its own memory', () => {
    const { table } = awsCostTable(usage, { seconds: 60, idleReceives: 0, capacityUnitsByTable: {} });
    const compute = table.rows.filter((row) => row[1]?.startsWith('compute: '));
    // The functions run on arm64 (infra: Architecture.ARM_64): us-east-1's Arm duration price, not x86's.
    expect(compute.map((row) => row[3])).toEqual(['$0.0000133334 / GB-s', '$0.0000133334 / GB-s']);
    expect(compute.map((row) => row[2])).toEqual([
      '200.00 GB-s (100 × 2000.0 ms × 1024 MB)',
      '25.00 GB-s (2,000 × 50.0 ms × 256 MB)',
    ]);
    expect(table.notes?.join(' ')).toContain('arm64');
  });

  it('says how the functions read the Transatel secret: the SDK, a 300 s cache, forced re-reads 10 s apart', () => {
    const notes = awsCostTable(usage, { seconds: 60, idleReceives: 0, capacityUnitsByTable: {} }).table.notes;
    const secrets = notes?.join(' ') ?? '';
    expect(secrets).toContain('GetSecretValue through the SDK');
    expect(secrets).toContain('in-function cache of 300 s');
    expect(secrets).toContain('one forced re-read per 10 s');
    expect(secrets).not.toContain('extension');
  });
});
