import { EventEmitter } from 'node:events';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { FunctionName } from '../shared/topology.js';

/**
 * What the local runtime used, for the bench's cost figures (docs/performance.md): each function's invocations
 * and their duration (every runtime process counts its own), and the requests the emulators answered, by
 * operation, with the capacity units DynamoDB would charge.
 */

/** A request carrying this header is not counted: the bench's own reads of the tables. */
export const UNCOUNTED_HEADER = 'x-local-uncounted';

export interface InvocationTally {
  count: number;
  /** Sum of the invocations' durations, each rounded up to the millisecond as Lambda bills them. */
  billedMs: number;
}
export type InvocationTallies = Partial<Record<FunctionName, InvocationTally>>;

const invocations: InvocationTallies = {};

function addTally(into: InvocationTallies, name: FunctionName, tally: InvocationTally): void {
  into[name] ??= { count: 0, billedMs: 0 };
  into[name].count += tally.count;
  into[name].billedMs += tally.billedMs;
}

/** One finished invocation of `name`, its handler having run `ms` (the handler's import not included). */
export function recordInvocation(name: FunctionName, ms: number): void {
  addTally(invocations, name, { count: 1, billedMs: Math.max(1, Math.ceil(ms)) });
}

/** This process's invocations since it started. */
export function invocationTallies(): InvocationTallies {
  return structuredClone(invocations);
}

export function addInvocationTallies(...parts: readonly InvocationTallies[]): InvocationTallies {
  const sum: InvocationTallies = {};
  for (const part of parts) {
    for (const [name, tally] of Object.entries(part) as [FunctionName, InvocationTally][]) {
      addTally(sum, name, tally);
    }
  }
  return sum;
}

/** What the emulators answered since they started (requests carrying UNCOUNTED_HEADER left out). */
export interface EmulatorUsage {
  /** Requests by operation: `DynamoDB.UpdateItem`, `AmazonSQS.SendMessage`, `SNS.Publish`... */
  requests: Record<string, number>;
  /** DynamoDB capacity units by operation, as dynalite computes them (ReturnConsumedCapacity TOTAL). */
  capacityUnits: Record<string, number>;
  /** DynamoDB capacity units by table. */
  capacityUnitsByTable: Record<string, number>;
  /** DynamoDB requests by operation answered with an error (a failed condition...): no units reported. */
  failed: Record<string, number>;
}

export function emptyEmulatorUsage(): EmulatorUsage {
  return { requests: {}, capacityUnits: {}, capacityUnitsByTable: {}, failed: {} };
}

function add(record: Record<string, number>, key: string, amount: number): void {
  record[key] = (record[key] ?? 0) + amount;
}

const counted = (request: IncomingMessage) => request.headers[UNCOUNTED_HEADER] === undefined;

/** Counts fauxqs' requests: SQS by X-Amz-Target (JSON protocol), SNS by the Action of its query API. */
export function countFauxqsRequests(
  app: {
    addHook(
      name: 'preHandler',
      hook: (request: { raw: IncomingMessage; body: unknown }, reply: unknown, done: () => void) => void,
    ): unknown;
  },
  usage: EmulatorUsage,
): void {
  app.addHook('preHandler', (request, _reply, done) => {
    if (counted(request.raw)) {
      const target = request.raw.headers['x-amz-target'];
      const action = (request.body as { Action?: unknown } | undefined)?.Action;
      if (typeof target === 'string') add(usage.requests, target, 1);
      else if (typeof action === 'string') add(usage.requests, `SNS.${action}`, 1);
    }
    done();
  });
}

/** The operations for which DynamoDB reports consumed capacity. */
const CAPACITY_OPERATIONS = new Set([
  'GetItem',
  'PutItem',
  'UpdateItem',
  'DeleteItem',
  'Query',
  'Scan',
  'BatchGetItem',
  'BatchWriteItem',
]);

type ConsumedCapacity = { CapacityUnits?: number; TableName?: string };

/** The answer's ConsumedCapacity (an object, or a list for batch operations), found without parsing the items. */
const CONSUMED_CAPACITY = /"ConsumedCapacity":(\{[^{}]*\}|\[(?:\{[^{}]*\},?)*\])/;

function capacityReports(body: string): ConsumedCapacity[] {
  try {
    const found = CONSUMED_CAPACITY.exec(body)?.[1];
    const parsed = found
      ? (JSON.parse(found) as ConsumedCapacity | ConsumedCapacity[])
      : (JSON.parse(body) as { ConsumedCapacity?: ConsumedCapacity | ConsumedCapacity[] }).ConsumedCapacity;
    return [parsed ?? []].flat();
  } catch {
    return [];
  }
}

function tallyCapacity(usage: EmulatorUsage, operation: string, status: number, body: unknown): void {
  if (status !== 200) {
    add(usage.failed, operation, 1);
    return;
  }
  for (const report of capacityReports(String(body))) {
    add(usage.capacityUnits, operation, report.CapacityUnits ?? 0);
    add(usage.capacityUnitsByTable, report.TableName ?? '?', report.CapacityUnits ?? 0);
  }
}

/**
 * The SDK's JSON request with ReturnConsumedCapacity TOTAL added, unless it asks for capacity itself; anything
 * else (not a JSON object) goes through as it is, for dynalite to answer with its own error.
 */
function askingForCapacity(body: Buffer): Buffer {
  const isObject = body.subarray(0, 2).toString() === '{"';
  if (!isObject || body.includes('"ReturnConsumedCapacity"')) return body;
  return Buffer.concat([Buffer.from('{"ReturnConsumedCapacity":"TOTAL",'), body.subarray(1)]);
}

type RequestListener = (request: IncomingMessage, response: ServerResponse) => void;

/**
 * Counts dynalite's requests by operation and has it compute, for each, the capacity units DynamoDB would
 * charge: the request is handed on with ReturnConsumedCapacity TOTAL (unless it asks for capacity itself), and
 * the units are read from the answer, which the client gets as is (an SDK client ignores the extra field).
 */
export function countDynaliteUsage(server: Server, usage: EmulatorUsage): void {
  const handlers = server.listeners('request') as RequestListener[];
  server.removeAllListeners('request');
  const handOn = (request: IncomingMessage, response: ServerResponse) => {
    for (const handler of handlers) handler(request, response);
  };
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    const target = request.headers['x-amz-target'];
    const operation = typeof target === 'string' ? target.split('.')[1] : undefined;
    if (!operation || !counted(request)) return handOn(request, response);
    add(usage.requests, `DynamoDB.${operation}`, 1);
    if (!CAPACITY_OPERATIONS.has(operation)) return handOn(request, response);
    const chunks: Buffer[] = [];
    // A client gone away: nothing to answer (dynalite would throw).
    request.on('error', () => {});
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = askingForCapacity(Buffer.concat(chunks));
      const end = response.end.bind(response) as (...args: unknown[]) => ServerResponse;
      response.end = ((...args: unknown[]) => {
        tallyCapacity(usage, `DynamoDB.${operation}`, response.statusCode, args[0]);
        return end(...args);
      }) as ServerResponse['end'];
      // dynalite reads headers, method, url and the body's data and end events.
      const replay = Object.assign(new EventEmitter(), {
        headers: { ...request.headers, 'content-length': String(body.length) },
        method: request.method,
        url: request.url,
      });
      handOn(replay as unknown as IncomingMessage, response);
      replay.emit('data', body);
      replay.emit('end');
    });
  });
}
