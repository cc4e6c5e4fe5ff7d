import { randomUUID } from 'node:crypto';
import {
  Agent,
  createServer,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import * as z from 'zod';
import { type Rng, rngFor } from './simulator/rng.js';

/**
 * A fault-injecting HTTP proxy in front of the local emulators (dynalite; fauxqs for SQS, SNS and S3): the
 * functions' AWS calls go through it and meet, at seeded rates, what AWS answers under load, each in the
 * service's own wire shape so that the SDK (and the project's signed calls) classify it as they would AWS's:
 * - throttle: DynamoDB ProvisionedThroughputExceededException / ThrottlingException, SQS RequestThrottled /
 *   ThrottlingException, SNS Throttling (400) / Throttled (429), S3 503 SlowDown; never forwarded.
 * - error: 500 and 503 (InternalServerError, InternalFailure, InternalError / ServiceUnavailable); never forwarded.
 * - reset: forwarded, answered by the emulator (the write is applied), then the caller's socket is destroyed
 *   instead of answering: the caller cannot tell, retries, and a write may land twice.
 */

export const AWS_SERVICES = ['dynamodb', 'sqs', 'sns', 's3'] as const;
export type AwsService = (typeof AWS_SERVICES)[number];

export const AWS_FAULT_KINDS = ['throttle', 'error', 'reset'] as const;
export type AwsFaultKind = (typeof AWS_FAULT_KINDS)[number];

const rate = z.number().min(0).max(1);

/** Per request of every service: the share throttled, answered a 5xx, reset after it was processed. */
export const awsFaultRatesSchema = z.strictObject({
  throttleRate: rate.optional(),
  errorRate: rate.optional(),
  resetRate: rate.optional(),
});
export type AwsFaultRates = z.infer<typeof awsFaultRatesSchema>;

export const awsFaultOptionsSchema = z.strictObject({
  /** Seeds the dice (default 1): the same seed, the same faults for the same sequence of requests. */
  seed: z.number().int().optional(),
  /** Applied once the stack is up (provisioning and the first scheduled run never meet faults); default none. */
  rates: awsFaultRatesSchema.optional(),
});
export type AwsFaultOptions = z.infer<typeof awsFaultOptionsSchema>;

/**
 * SQS operations that only Lambda's event source mapping makes (the local pollers stand in for it): AWS-internal,
 * with its own retries, so they pass unharmed; the functions themselves only send.
 */
export const EVENT_SOURCE_OPERATIONS: ReadonlySet<string> = new Set([
  'ReceiveMessage',
  'DeleteMessage',
  'DeleteMessageBatch',
  'ChangeMessageVisibility',
  'ChangeMessageVisibilityBatch',
]);

export interface AwsRequestKind {
  service: AwsService;
  /** The API operation (`PutItem`, `SendMessageBatch`, `PublishBatch`), or the HTTP method for S3. */
  operation: string;
}

function headerValue(headers: IncomingHttpHeaders, name: string): string {
  const value = headers[name];
  return (Array.isArray(value) ? value[0] : value) ?? '';
}

/** Which service a request is for, from its wire protocol: JSON 1.0 targets, SNS's query form, else S3. */
export function classifyAwsRequest(
  method: string,
  headers: IncomingHttpHeaders,
  body: Buffer,
): AwsRequestKind {
  const target = headerValue(headers, 'x-amz-target');
  const operation = target.slice(target.indexOf('.') + 1);
  if (target.startsWith('DynamoDB_')) return { service: 'dynamodb', operation };
  if (target.startsWith('AmazonSQS.')) return { service: 'sqs', operation };
  if (
    method === 'POST' &&
    headerValue(headers, 'content-type').includes('application/x-www-form-urlencoded')
  ) {
    return {
      service: 'sns',
      operation: new URLSearchParams(body.toString('utf8')).get('Action') ?? 'Unknown',
    };
  }
  return { service: 's3', operation: method };
}

/** How many items a request carries (a batch's entries): what a reset may deliver twice. */
export function requestItems(kind: AwsRequestKind, body: Buffer): number {
  try {
    if (kind.service === 'sns' && kind.operation === 'PublishBatch') {
      const params = new URLSearchParams(body.toString('utf8'));
      return [...params.keys()].filter((key) => /^PublishBatchRequestEntries\.member\.\d+\.Id$/.test(key))
        .length;
    }
    if (kind.service === 'sqs' && kind.operation.endsWith('Batch')) {
      const { Entries } = JSON.parse(body.toString('utf8')) as { Entries?: unknown };
      return Array.isArray(Entries) ? Entries.length : 1;
    }
  } catch {
    return 1;
  }
  return 1;
}

interface FaultAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const xmlEscape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function jsonAnswer(status: number, type: string, message: string, queryError?: string): FaultAnswer {
  return {
    status,
    headers: {
      'content-type': 'application/x-amz-json-1.0',
      'x-amzn-requestid': randomUUID(),
      ...(queryError ? { 'x-amzn-query-error': queryError } : {}),
    },
    body: JSON.stringify({ __type: type, message }),
  };
}

/** SNS's query protocol: `<ErrorResponse>` with the fault's side. */
function queryAnswer(
  status: number,
  code: string,
  message: string,
  side: 'Sender' | 'Receiver',
): FaultAnswer {
  const requestId = randomUUID();
  return {
    status,
    headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId },
    body:
      '<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/">' +
      `<Error><Type>${side}</Type><Code>${code}</Code><Message>${xmlEscape(message)}</Message></Error>` +
      `<RequestId>${requestId}</RequestId></ErrorResponse>`,
  };
}

function s3Answer(status: number, code: string, message: string): FaultAnswer {
  const requestId = randomUUID().replaceAll('-', '').slice(0, 16).toUpperCase();
  return {
    status,
    headers: { 'content-type': 'application/xml', 'x-amz-request-id': requestId, 'x-amz-id-2': 'aws-faults' },
    body:
      '<?xml version="1.0" encoding="UTF-8"?>\n' +
      `<Error><Code>${code}</Code><Message>${xmlEscape(message)}</Message><RequestId>${requestId}</RequestId></Error>`,
  };
}

const DYNAMODB = 'com.amazonaws.dynamodb.v20120810#';
const SQS = 'com.amazonaws.sqs#';

/**
 * The answer of the `nth` (0-based) throttle or 5xx injected into `service`: each kind alternates between the two
 * shapes the service uses for it (S3 throttles only with SlowDown).
 */
export function faultAnswer(service: AwsService, kind: 'throttle' | 'error', nth: number): FaultAnswer {
  const first = nth % 2 === 0;
  switch (service) {
    case 'dynamodb':
      if (kind === 'throttle') {
        return first
          ? jsonAnswer(
              400,
              `${DYNAMODB}ProvisionedThroughputExceededException`,
              'The level of configured provisioned throughput for the table was exceeded.',
            )
          : jsonAnswer(
              400,
              `${DYNAMODB}ThrottlingException`,
              'Rate of requests exceeds the allowed throughput.',
            );
      }
      return first
        ? jsonAnswer(500, `${DYNAMODB}InternalServerError`, 'Internal server error')
        : jsonAnswer(503, `${DYNAMODB}ServiceUnavailable`, 'The service is currently unavailable or busy.');
    case 'sqs':
      // The JSON protocol, with the query-compatible code the SDK reads first.
      if (kind === 'throttle') {
        return first
          ? jsonAnswer(
              400,
              `${SQS}RequestThrottled`,
              'The request was denied due to request throttling.',
              'RequestThrottled;Sender',
            )
          : jsonAnswer(400, `${SQS}ThrottlingException`, 'Rate exceeded', 'ThrottlingException;Sender');
      }
      return first
        ? jsonAnswer(500, `${SQS}InternalFailure`, 'Internal failure', 'InternalFailure;Receiver')
        : jsonAnswer(503, `${SQS}ServiceUnavailable`, 'Service unavailable', 'ServiceUnavailable;Receiver');
    case 'sns':
      if (kind === 'throttle') {
        return first
          ? queryAnswer(400, 'Throttling', 'Rate exceeded', 'Sender')
          : queryAnswer(429, 'Throttled', 'Rate exceeded', 'Sender');
      }
      return first
        ? queryAnswer(500, 'InternalError', 'Internal Error', 'Receiver')
        : queryAnswer(503, 'ServiceUnavailable', 'Service Unavailable', 'Receiver');
    case 's3':
      if (kind === 'throttle') return s3Answer(503, 'SlowDown', 'Please reduce your request rate.');
      return first
        ? s3Answer(500, 'InternalError', 'We encountered an internal error. Please try again.')
        : s3Answer(503, 'ServiceUnavailable', 'Please reduce your request rate.');
  }
}

export type AwsFaultDice = Record<AwsFaultKind, Rng>;

/**
 * One seeded stream per service and kind of die, every die thrown for every request that may meet a fault: the
 * n-th DynamoDB request meets the same dice whatever the SQS and SNS traffic between, so whether a run of a few
 * hundred requests meets each fault depends on the seed, not on how concurrent calls interleave.
 */
export function awsFaultDice(seed: number): Record<AwsService, AwsFaultDice> {
  const entries = AWS_SERVICES.map((service) => [
    service,
    Object.fromEntries(
      AWS_FAULT_KINDS.map((kind) => [kind, rngFor(seed, 'aws-faults', service, kind)]),
    ) as AwsFaultDice,
  ]);
  return Object.fromEntries(entries) as Record<AwsService, AwsFaultDice>;
}

/** What one fault die decides for a request, given the rates: throttle before error before reset. */
export function throwDice(dice: AwsFaultDice, rates: AwsFaultRates): AwsFaultKind | undefined {
  const throttle = dice.throttle() < (rates.throttleRate ?? 0);
  const error = dice.error() < (rates.errorRate ?? 0);
  const reset = dice.reset() < (rates.resetRate ?? 0);
  if (throttle) return 'throttle';
  if (error) return 'error';
  if (reset) return 'reset';
  return undefined;
}

export type AwsFaultCounts = Record<AwsService, Record<AwsFaultKind, number>>;

export interface AwsFaultCounters {
  /** Faults injected, per service and kind. */
  injected: AwsFaultCounts;
  /** Per `<service> <operation>`: the faults its requests met. */
  byOperation: Record<string, Partial<Record<AwsFaultKind, number>>>;
  /** Requests that threw the dice (faults were on), per service. */
  exposed: Record<AwsService, number>;
  /** Requests forwarded untouched: faults off, or an event source operation. */
  passed: number;
  /** Items (batch entries) in the requests reset after they were processed: what may have landed twice. */
  resetItems: Record<AwsService, number>;
  /** The emulator failed to answer (not injected): the caller's socket was destroyed too. */
  upstreamErrors: number;
}

export interface AwsFaultProxy {
  /** The proxy's origin, `http://127.0.0.1:<port>`. */
  url: string;
  port: number;
  /** Replaces the rates (validated); `{}` turns every fault off. */
  setRates(rates: AwsFaultRates): void;
  rates(): AwsFaultRates;
  counters(): AwsFaultCounters;
  close(): Promise<void>;
}

export interface AwsFaultProxyOptions {
  /** Origins of the emulators: DynamoDB's, and fauxqs' (SQS, SNS, S3 on one port). */
  upstreams: { dynamodb: string; fauxqs: string };
  seed?: number;
  rates?: AwsFaultRates;
  /** 0 (default): any free port on 127.0.0.1. */
  port?: number;
}

/** Hop-by-hop headers: each side of the proxy has its own connection and framing. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  'expect',
]);

function endToEnd(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  const kept: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name)) kept[name] = value;
  }
  return kept;
}

function readBody(stream: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
    stream.on('aborted', () => reject(new Error('aborted')));
  });
}

interface UpstreamAnswer {
  status: number;
  headers: OutgoingHttpHeaders;
  body: Buffer;
}

/**
 * Clients keep idle connections up to 50 s (shared/wiring/aws.ts): the proxy keeps them longer, so that no
 * connection is closed under a request on its own clock (a reset no die decided). Towards the emulators, its agent
 * closes an idle connection a second before the emulator would (dynalite announces Node's 5 s).
 */
const CLIENT_KEEP_ALIVE_MS = 75_000;
const UPSTREAM_IDLE_MS = 50_000;

const emptyCounts = (): AwsFaultCounts =>
  Object.fromEntries(
    AWS_SERVICES.map((service) => [service, { throttle: 0, error: 0, reset: 0 }]),
  ) as AwsFaultCounts;

const perService = (): Record<AwsService, number> => ({ dynamodb: 0, sqs: 0, sns: 0, s3: 0 });

/** Starts the proxy on 127.0.0.1. Faults apply only while some rate is above 0. */
export async function startAwsFaultProxy(options: AwsFaultProxyOptions): Promise<AwsFaultProxy> {
  const seed = options.seed ?? 1;
  const dice = awsFaultDice(seed);
  let rates: AwsFaultRates = awsFaultRatesSchema.parse(options.rates ?? {});
  const counters: AwsFaultCounters = {
    injected: emptyCounts(),
    byOperation: {},
    exposed: perService(),
    passed: 0,
    resetItems: perService(),
    upstreamErrors: 0,
  };
  const agent = new Agent({ keepAlive: true, timeout: UPSTREAM_IDLE_MS });
  const upstreams = {
    dynamodb: new URL(options.upstreams.dynamodb),
    fauxqs: new URL(options.upstreams.fauxqs),
  };

  const faultsOn = () =>
    (rates.throttleRate ?? 0) > 0 || (rates.errorRate ?? 0) > 0 || (rates.resetRate ?? 0) > 0;

  function forward(req: IncomingMessage, body: Buffer, service: AwsService): Promise<UpstreamAnswer> {
    const origin = service === 'dynamodb' ? upstreams.dynamodb : upstreams.fauxqs;
    return new Promise((resolve, reject) => {
      // The Host header goes as the caller sent it: fauxqs names queues after it (the proxy's port).
      const headers = { ...endToEnd(req.headers), 'content-length': body.length };
      const upstream = httpRequest(
        {
          host: origin.hostname,
          port: origin.port,
          method: req.method,
          path: req.url,
          headers,
          agent,
        },
        (res) => {
          readBody(res).then(
            (answer) =>
              resolve({ status: res.statusCode ?? 502, headers: endToEnd(res.headers), body: answer }),
            reject,
          );
        },
      );
      upstream.on('error', reject);
      upstream.end(body);
    });
  }

  function count(kind: AwsRequestKind, fault: AwsFaultKind, items: number): void {
    counters.injected[kind.service][fault] += 1;
    const key = `${kind.service} ${kind.operation}`;
    const byOperation = counters.byOperation[key] ?? {};
    byOperation[fault] = (byOperation[fault] ?? 0) + 1;
    counters.byOperation[key] = byOperation;
    if (fault === 'reset') counters.resetItems[kind.service] += items;
  }

  function send(res: ServerResponse, method: string, answer: UpstreamAnswer | FaultAnswer): void {
    const headers: OutgoingHttpHeaders = { ...answer.headers };
    // A HEAD answer keeps the length of the body it does not carry.
    if (method !== 'HEAD') headers['content-length'] = Buffer.byteLength(answer.body);
    res.writeHead(answer.status, headers);
    res.end(method === 'HEAD' ? undefined : answer.body);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    const body = await readBody(req);
    const kind = classifyAwsRequest(method, req.headers, body);
    const exempt = kind.service === 'sqs' && EVENT_SOURCE_OPERATIONS.has(kind.operation);
    let fault: AwsFaultKind | undefined;
    if (faultsOn() && !exempt) {
      counters.exposed[kind.service] += 1;
      fault = throwDice(dice[kind.service], rates);
    } else {
      counters.passed += 1;
    }
    if (fault === 'throttle' || fault === 'error') {
      const nth = counters.injected[kind.service][fault];
      count(kind, fault, 1);
      send(res, method, faultAnswer(kind.service, fault, nth));
      return;
    }
    let answer: UpstreamAnswer;
    try {
      answer = await forward(req, body, kind.service);
    } catch {
      counters.upstreamErrors += 1;
      req.socket.destroy();
      return;
    }
    if (fault === 'reset') {
      count(kind, fault, requestItems(kind, body));
      req.socket.destroy();
      return;
    }
    send(res, method, answer);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => req.socket.destroy());
  });
  server.keepAliveTimeout = CLIENT_KEEP_ALIVE_MS;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  let closing: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    setRates(next) {
      rates = awsFaultRatesSchema.parse(next);
    },
    rates: () => ({ ...rates }),
    counters: () => structuredClone(counters),
    close() {
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
        agent.destroy();
      });
      return closing;
    },
  };
}

/** `3 throttle, 2 error, 1 reset`-style totals over every service. */
export function totalAwsFaults(counts: AwsFaultCounts): Record<AwsFaultKind, number> {
  const total: Record<AwsFaultKind, number> = { throttle: 0, error: 0, reset: 0 };
  for (const service of AWS_SERVICES) {
    for (const kind of AWS_FAULT_KINDS) total[kind] += counts[service][kind];
  }
  return total;
}
