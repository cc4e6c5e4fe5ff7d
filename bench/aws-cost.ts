import { AWS_PRICES_AS_OF, AWS_PRICES_REGION, type AwsPrices, awsPrices } from './aws-prices.js';
import { sum } from './stats.js';
import { fmtInt, fmtPct, type Table } from './table.js';

/**
 * How the functions read the Transatel secret in AWS: Secrets Manager's GetSecretValue through the SDK, the
 * value cached in the function for this long, and at most one forced re-read per this many seconds after
 * Transatel refuses the credentials. Only the table's note uses them (the local stack reads the environment).
 */
const SECRET_CACHE_TTL_SECONDS = 300;
const SECRET_FORCED_REREAD_SECONDS = 10;

/** What a bulk run counted (bench/bulk.ts), all over the same window. */
export interface CountedUsage {
  orders: number;
  /** Requests the API gateway received: the API's callers' and Transatel's webhooks. */
  apiRequests: number;
  /** Per function: its invocations, their billed milliseconds, its memory (shared/topology). */
  functions: { name: string; invocations: number; billedMs: number; memoryMb: number }[];
  /** Requests the emulators answered, by operation: `AmazonSQS.SendMessage`, `DynamoDB.GetItem`, `SNS.Publish`. */
  requests: Record<string, number>;
  /** ReceiveMessage calls that brought messages: one per consumer batch. The others were idle polls. */
  receivesWithMessages: number;
  /** DynamoDB capacity units by operation (`DynamoDB.UpdateItem`), as the emulator computed them. */
  capacityUnits: Record<string, number>;
  /** DynamoDB requests by operation answered with an error (a failed condition): no units reported. */
  failedRequests: Record<string, number>;
}

export type AwsService = 'API Gateway' | 'Lambda' | 'SQS' | 'DynamoDB' | 'SNS';

/** One line of the bill, per 1,000 orders. */
export interface CostLine {
  service: AwsService;
  what: string;
  quantity: number;
  unit: 'requests' | 'GB-s' | 'write units' | 'read units';
  /** USD per unit. */
  price: number;
  usd: number;
  /** The requests behind units or GB-seconds (invocations for compute), and how many failed. */
  requests?: number;
  failed?: number;
  msPerInvocation?: number;
  memoryMb?: number;
}

const DYNAMODB_WRITES = new Set([
  'PutItem',
  'UpdateItem',
  'DeleteItem',
  'BatchWriteItem',
  'TransactWriteItems',
]);
const DYNAMODB_READS = new Set(['GetItem', 'Query', 'Scan', 'BatchGetItem', 'TransactGetItems']);

/** The operations of one service (`AmazonSQS.`...), most requested first, prefix removed. */
function operationsOf(requests: Record<string, number>, prefix: string): [string, number][] {
  return Object.entries(requests)
    .filter(([operation, count]) => operation.startsWith(prefix) && count > 0)
    .map(([operation, count]): [string, number] => [operation.slice(prefix.length), count])
    .sort((a, b) => b[1] - a[1]);
}

/**
 * What a customer's AWS bill adds per 1,000 orders, line by line, from a run's counts: API Gateway and Lambda
 * requests, Lambda GB-seconds (billed ms × memory), every SQS and SNS request (ReceiveMessage only when it
 * brought messages), DynamoDB capacity units (a failed write counted as one unit; control-plane calls free).
 */
export function awsCostPer1000(usage: CountedUsage, prices: AwsPrices = awsPrices): CostLine[] {
  if (usage.orders <= 0) throw new Error('No orders to share the cost between');
  const per = 1000 / usage.orders;
  const lines: CostLine[] = [];
  const add = (line: Omit<CostLine, 'usd'>) => lines.push({ ...line, usd: line.quantity * line.price });

  add({
    service: 'API Gateway',
    what: 'HTTP API requests',
    quantity: usage.apiRequests * per,
    unit: 'requests',
    price: prices.httpApiRequest,
  });
  const invoked = usage.functions.filter((fn) => fn.invocations > 0);
  add({
    service: 'Lambda',
    what: 'requests (invocations)',
    quantity: sum(invoked.map((fn) => fn.invocations)) * per,
    unit: 'requests',
    price: prices.lambdaRequest,
  });
  const gbSeconds = (fn: CountedUsage['functions'][number]) => (fn.billedMs / 1000) * (fn.memoryMb / 1024);
  for (const fn of [...invoked].sort((a, b) => gbSeconds(b) - gbSeconds(a))) {
    add({
      service: 'Lambda',
      what: `compute: ${fn.name}`,
      quantity: gbSeconds(fn) * per,
      unit: 'GB-s',
      price: prices.lambdaGbSecond,
      requests: fn.invocations * per,
      msPerInvocation: fn.billedMs / fn.invocations,
      memoryMb: fn.memoryMb,
    });
  }
  for (const [operation, count] of operationsOf(usage.requests, 'AmazonSQS.')) {
    const receive = operation === 'ReceiveMessage';
    add({
      service: 'SQS',
      what: receive ? 'ReceiveMessage (with messages)' : operation,
      quantity: (receive ? usage.receivesWithMessages : count) * per,
      unit: 'requests',
      price: prices.sqsRequest,
    });
  }
  for (const [operation, count] of operationsOf(usage.requests, 'DynamoDB.')) {
    const write = DYNAMODB_WRITES.has(operation);
    if (!write && !DYNAMODB_READS.has(operation)) continue;
    const failed = usage.failedRequests[`DynamoDB.${operation}`] ?? 0;
    const units = (usage.capacityUnits[`DynamoDB.${operation}`] ?? 0) + (write ? failed : 0);
    add({
      service: 'DynamoDB',
      what: operation,
      quantity: units * per,
      unit: write ? 'write units' : 'read units',
      price: write ? prices.dynamodbWriteUnit : prices.dynamodbReadUnit,
      requests: count * per,
      failed: failed * per,
    });
  }
  for (const [operation, count] of operationsOf(usage.requests, 'SNS.')) {
    add({
      service: 'SNS',
      what: operation,
      quantity: count * per,
      unit: 'requests',
      price: prices.snsRequest,
    });
  }
  return lines;
}

export interface CostSummary {
  total: number;
  /** Most expensive first. */
  byService: { service: AwsService; usd: number }[];
  byLine: CostLine[];
}

export function summarizeCost(lines: readonly CostLine[]): CostSummary {
  const byService = new Map<AwsService, number>();
  for (const line of lines) byService.set(line.service, (byService.get(line.service) ?? 0) + line.usd);
  return {
    total: sum(lines.map((line) => line.usd)),
    byService: [...byService].map(([service, usd]) => ({ service, usd })).sort((a, b) => b.usd - a.usd),
    byLine: [...lines].sort((a, b) => b.usd - a.usd),
  };
}

// --- the table ---

const fmtUsd = (usd: number) => `$${usd.toFixed(5)}`;
const fmtCount = (n: number) => (n >= 100 ? fmtInt(n) : n.toFixed(1));

function fmtPrice(line: CostLine): string {
  if (line.unit === 'GB-s') return `$${line.price.toFixed(10)} / GB-s`;
  const perMillion = (line.price * 1e6).toFixed(3).replace(/(\.\d\d)0$/, '$1');
  const unit = line.unit === 'requests' ? '' : ` ${line.unit.replace(' units', '')} units`;
  return `$${perMillion} / 1M${unit}`;
}

function fmtQuantity(line: CostLine): string {
  if (line.unit === 'GB-s') {
    return `${line.quantity.toFixed(2)} GB-s (${fmtCount(line.requests ?? 0)} × ${(line.msPerInvocation ?? 0).toFixed(1)} ms × ${line.memoryMb} MB)`;
  }
  const failed = line.failed ? `, ${fmtCount(line.failed)} failed: 1 unit each` : '';
  const behind = line.requests === undefined ? '' : ` (${fmtCount(line.requests)} requests${failed})`;
  return `${fmtCount(line.quantity)} ${line.unit}${behind}`;
}

export interface CostContext {
  /** How long the counting lasted. */
  seconds: number;
  /** ReceiveMessage calls that brought nothing. */
  idleReceives: number;
  capacityUnitsByTable: Record<string, number>;
}

/** The bill per 1,000 orders as a table, with what dominates it and what it leaves out. */
export function awsCostTable(
  usage: CountedUsage,
  context: CostContext,
  prices: AwsPrices = awsPrices,
): { table: Table; summary: CostSummary } {
  const lines = awsCostPer1000(usage, prices);
  const summary = summarizeCost(lines);
  const share = (usd: number) => fmtPct(summary.total > 0 ? usd / summary.total : 0);
  const [first, second, third] = summary.byLine;
  const named = (line: CostLine | undefined) =>
    line ? `${line.service} ${line.what} ${share(line.usd)}` : '';
  const tableUnits = sum(Object.values(context.capacityUnitsByTable));
  const byTable = Object.entries(context.capacityUnitsByTable)
    .sort((a, b) => b[1] - a[1])
    .map(([table, units]) => `${table} ${fmtPct(tableUnits > 0 ? units / tableUnits : 0)}`)
    .join(', ');
  const table: Table = {
    title: `3e. AWS cost per 1,000 orders (${AWS_PRICES_REGION} on-demand list prices as listed ${AWS_PRICES_AS_OF}, no free tier)`,
    columns: ['service', 'what', 'per 1,000 orders', 'list price', '$ per 1,000 orders', 'share'],
    rows: [
      ...lines.map((line) => [
        line.service,
        line.what,
        fmtQuantity(line),
        fmtPrice(line),
        fmtUsd(line.usd),
        share(line.usd),
      ]),
      ['total', '', '', '', fmtUsd(summary.total), share(summary.total)],
    ],
    notes: [
      `What dominates: ${named(first)}, then ${named(second)} and ${named(third)}; by service ${summary.byService.map((entry) => `${entry.service} ${share(entry.usd)}`).join(', ')}. In all ${fmtUsd(summary.total)} per 1,000 activations with a plan, $${(summary.total * 1000).toFixed(2)} per million.`,
      `Counted over ${context.seconds.toFixed(0)} s, from the first POST /v1/activations until nothing had moved for 3 s, then divided by N and multiplied by 1,000. API Gateway: requests the local gateway received (the bulk POSTs, Transatel's webhooks). Lambda: invocations in every runtime process (one per API request, per consumer batch, per scheduled run); GB-s = each invocation's handler time, measured in the local runtime and rounded up to the ms, × the topology's memoryMb / 1024. SQS, SNS, DynamoDB: the requests fauxqs and dynalite answered, whichever process sent them (the bench's own reads left out); DynamoDB units as dynalite computes them with ReturnConsumedCapacity TOTAL (1 KB a write unit, 4 KB a strongly consistent read unit) by table: ${byTable || 'none'}.`,
      `Lambda duration is priced on arm64 (Graviton), the functions' architecture (infra: Architecture.ARM_64), at each function's own memory (shared/topology's memoryMb, which infra configures), every invoked function on a line of its own. Assumptions: handler times are wall time on this machine, the API functions and up to 20 consumer invocations sharing one event loop, against local emulators instead of AWS's few ms a call; Lambda runs one invocation per environment, so the GB-s are this machine's estimate, not AWS's. A write refused by its condition is charged 1 unit (dynalite reports none); SQS and SNS payloads are under 64 KB (one request a call).`,
      `Left out: ${fmtInt(context.idleReceives)} ReceiveMessage calls that brought nothing (idle polls; in AWS each queue's event source mapping long-polls whether orders come or not: a cost per queue and hour, not per order); SNS deliveries to SQS (free); Secrets Manager (the local functions read the environment; in AWS each execution environment of a function that calls Transatel calls GetSecretValue through the SDK on first use, then again once its in-function cache of ${SECRET_CACHE_TTL_SECONDS} s has lapsed, plus at most one forced re-read per ${SECRET_FORCED_REREAD_SECONDS} s after Transatel refuses the credentials: at most ${3600 / SECRET_CACHE_TTL_SECONDS} calls an hour per busy environment without refusals, $${((3600 / SECRET_CACHE_TTL_SECONDS) * prices.secretsManagerCall).toFixed(5)}, a cost per environment and hour, not per order; $${(prices.secretsManagerCall * 1e4).toFixed(2)} per 10,000 calls); CloudWatch Logs (the bench runs the functions at LOG_LEVEL WARN, so not measured; at $${prices.logsIngestedGb.toFixed(2)} per GB ingested, each 10 kB logged per order adds $${((10_000 * 1000 * prices.logsIngestedGb) / 1e9).toFixed(3)} per 1,000 orders); Lambda init (each new execution environment's import of its bundle, table 1, billed as duration like the handler: a cost per cold start, not per order), the scheduled functions' runs between orders, storage, data transfer; the free tier.`,
    ],
  };
  return { table, summary };
}
