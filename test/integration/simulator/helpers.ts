import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type RunningSimulator, type SimulatorOptions, startSimulator } from '#local/simulator/index.js';

export const CM = '/connectivity-management/subscribers/api';
export const ORDERS = '/ocs/subscriptions/api/orders/products';
export const INVENTORY = '/ocs/inventory/api/subscriptions/products';
export const CATALOG = '/ocs/catalog/api/cos/WW_M2MA_COS_IOT_CONNECT/products';
export const MVNO_REF = 'M2MA_WW_TSL_LOCAL';
export const RATE_PLAN = 'M2MA_WW_TSL_IOTCONNECT_CAPPED';

/** Small counts and short delays keep every test file well under a second of simulated time. */
export function startTestSim(opts: SimulatorOptions = {}): Promise<RunningSimulator> {
  return startSimulator({
    port: 0,
    activationDelayMs: 30,
    lifecycleDelayMs: 20,
    simCounts: {
      available: 20,
      'available-esim': 5,
      preactivated: 10,
      'preactivated-esim': 5,
      active: 10,
      'active-esim': 6,
      suspended: 4,
      'suspended-esim': 2,
      terminated: 2,
    },
    ...opts,
  });
}

export interface ApiResponse<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: T;
}

export async function getToken(sim: RunningSimulator, id = 'local-client', secret = 'local-secret') {
  const res = await fetch(`${sim.url}/authentication/api/token`, {
    method: 'POST',
    headers: {
      Authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`,
      'Content-Type': 'application/x-www-form-urlencoded',
    },
    body: 'grant_type=client_credentials',
  });
  const body = (await res.json()) as { access_token: string };
  return body.access_token;
}

type Json = Record<string, unknown>;

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  path: string;
}

export interface Txn {
  transactionId: string;
  simSerial: string;
  transactionStatus: string;
  type?: string;
}

export interface Subscriber {
  simSerial: string;
  msisdn?: string;
  status: string;
  ratePlan?: string;
  options: { name: string; value: string }[];
  group?: string;
  externalReference?: string;
  simType: string;
}

export interface Balance {
  resourceUnit: string;
  resourceValue: number;
  resourceStartValue: number;
}

export interface ProductSubscriptionBody {
  subscriptionId: string;
  status: string;
  productDefinition: { productId: string; tags: string[] };
  balances?: { data: Balance[] };
  activationDate?: string;
  expirationDate?: string;
  transactionReference?: string;
}

export interface Inventory {
  currentLocale: string;
  productSubscriptions: ProductSubscriptionBody[];
}

export interface OrderBody {
  id: string;
  status: string;
  subscriptionId: string;
  transactionReference?: string;
}

/** Bound API caller: `api('GET', path)` / `api('POST', path, body)`, parsed JSON body. */
export function apiClient(sim: RunningSimulator, token: string) {
  return async <T = Json>(method: string, path: string, body?: unknown): Promise<ApiResponse<T>> => {
    const res = await fetch(`${sim.url}${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
  };
}

/** /_sim admin caller (no auth). */
export function adminClient(sim: RunningSimulator) {
  return async <T = Json>(method: string, path: string, body?: unknown): Promise<ApiResponse<T>> => {
    const res = await fetch(`${sim.url}/_sim${path}`, {
      method,
      ...(body === undefined
        ? {}
        : { headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
  };
}

export async function waitFor<T>(
  probe: () => T | Promise<T>,
  timeoutMs = 3000,
  stepMs = 10,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`waitFor timed out after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
}

export interface ReceivedEvent {
  headers: IncomingHttpHeaders;
  raw: string;
  event: { header: { eventId: string; eventType: string; eventDate: string }; body: Record<string, unknown> };
  answered: number;
}

export interface Receiver {
  url: string;
  secret: string;
  received: ReceivedEvent[];
  /** Decides the HTTP status of each delivery (default 204). */
  respond: (attempt: number, event: ReceivedEvent['event']) => number;
  ofType(type: string): ReceivedEvent[];
  close(): Promise<void>;
}

export function verifySignature(secret: string, raw: string, header: string | string[] | undefined): boolean {
  if (typeof header !== 'string') return false;
  const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`);
  const actual = Buffer.from(header);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/** Tiny webhook receiver on port 0 recording every delivery (raw body kept for HMAC checks). */
export async function startReceiver(secret = 'whsec-test'): Promise<Receiver> {
  const receiver: Receiver = {
    url: '',
    secret,
    received: [],
    respond: () => 204,
    ofType: (type) => receiver.received.filter((r) => r.event.header.eventType === type),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const event = JSON.parse(raw) as ReceivedEvent['event'];
      const attempt = receiver.received.length + 1;
      const answered = receiver.respond(attempt, event);
      receiver.received.push({ headers: req.headers, raw, event, answered });
      res.writeHead(answered).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return receiver;
}
