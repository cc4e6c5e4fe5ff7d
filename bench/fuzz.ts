import fc from 'fast-check';
import { iccidFor, luhnCheckDigit } from '../local/simulator/index.js';
import { type RouteSpec, routes as topologyRoutes } from '../shared/topology.js';
import { SIGNATURE_HEADER, signBody } from '../shared/transatel/webhooks/signature.js';
import { forEachAtOnce } from './at-once.js';
import { startBenchStack } from './stack.js';
import { fmtInt, type PartResult } from './table.js';

interface FuzzRequest {
  method: string;
  /** Path and query, already encoded as they go on the wire. */
  target: string;
  headers: Record<string, string>;
  body?: Buffer;
}

interface RouteOutcome {
  route: string;
  sent: number;
  statuses: Map<number, number>;
  fiveXx: { request: string; status: number; answer: string }[];
}

// --- arbitraries ---

const digits = (min: number, max: number) =>
  fc.array(fc.constantFrom(...'0123456789'), { minLength: min, maxLength: max }).map((d) => d.join(''));

/** ICCID-shaped values: seeded SIMs, Luhn-valid unknown ones, off by one digit, wrong lengths. */
const iccidLike = fc.oneof(
  fc
    .tuple(
      fc.constantFrom(
        'available',
        'active',
        'active-esim',
        'preactivated',
        'suspended',
        'terminated' as const,
      ),
      fc.nat(40),
    )
    .map(([category, index]) => iccidFor(category, index)),
  digits(18, 19).map((body) => `${body}${luhnCheckDigit(body)}`),
  digits(19, 20),
  digits(0, 25),
);

const weirdText = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.constantFrom(
    '..',
    '.',
    '%',
    '%zz',
    '%00',
    '%2F',
    '%E0%A4%A',
    '\u0000',
    '\uFFFF',
    ' ',
    '+',
    'null',
    '-1',
    '1e999',
    '__proto__',
    'constructor',
  ),
  fc.nat(5000).map((n) => 'x'.repeat(n)),
);

const pathParameter = (name: string) =>
  fc.oneof(
    {
      weight: 4,
      arbitrary: (name === 'iccid' ? iccidLike : fc.uuid()).map((value) => encodeURIComponent(value)),
    },
    { weight: 1, arbitrary: fc.constantFrom('01JA0000000000000000000000', '01ARZ3NDEKTSV4RRFFQ69G5FAV') },
    { weight: 3, arbitrary: weirdText.map((value) => encodeURIComponent(value)) },
    // Raw, not encoded: broken percent-encodings and characters fetch leaves alone.
    { weight: 1, arbitrary: fc.constantFrom('%', '%zz', '%E0%A4%A', 'a%2', '%%', '%C0%AF', '%FF%FE') },
  );

const queryNames = [
  'country',
  'status',
  'group',
  'reference',
  'page',
  'pageSize',
  'from',
  'to',
  'msisdn',
  'x',
];
const queryValue = fc.oneof(
  fc.constantFrom(
    'FR',
    'fr',
    'ZZ',
    'Active',
    'Pre-activated',
    '1',
    '0',
    '-1',
    '10001',
    '2026-01-01',
    '2026-13-45T99:99',
    '1e3',
    '',
  ),
  fc.date({ noInvalidDate: true }).map((date) => date.toISOString()),
  fc.integer().map(String),
  weirdText,
);
const queryString = fc.oneof(
  fc.constant(''),
  fc
    .dictionary(fc.oneof(fc.constantFrom(...queryNames), fc.string({ maxLength: 8 })), queryValue, {
      maxKeys: 5,
    })
    .map((params) => {
      const search = new URLSearchParams();
      for (const [key, value] of Object.entries(params)) search.append(key, value);
      const text = search.toString();
      return text ? `?${text}` : '';
    }),
  fc.constantFrom(
    '?country=%zz',
    '?page=1&page=2',
    '?=',
    '?&&&',
    '?from=%00',
    '?pageSize=99999999999999999999',
  ),
);

/** Bodies: random JSON, shapes close to the real requests, malformed and huge ones. */
const nearValidBody = fc.oneof(
  fc.record(
    {
      planId: fc.oneof(fc.constantFrom('IOTC_CAPPED_EU_1GB_1M', 'NOPE', ''), weirdText),
      options: fc.array(
        fc.record({ name: fc.oneof(fc.constantFrom('DATA', 'SMS_MO'), weirdText), value: weirdText }),
        { maxLength: 3 },
      ),
      reference: weirdText,
      group: weirdText,
    },
    { requiredKeys: [] },
  ),
  fc.record(
    {
      sims: fc.array(
        fc.oneof(
          fc.record(
            { iccid: iccidLike, planId: fc.constantFrom('IOTC_CAPPED_EU_1GB_1M', 'NOPE') },
            { requiredKeys: [] },
          ),
          fc.jsonValue(),
        ),
        { maxLength: 6 },
      ),
      defaults: fc.oneof(fc.jsonValue(), fc.record({ planId: fc.string() }, { requiredKeys: [] })),
    },
    { requiredKeys: [] },
  ),
  fc.record(
    {
      header: fc.record(
        { eventId: fc.string(), eventType: fc.string(), eventDate: fc.string() },
        { requiredKeys: [] },
      ),
      body: fc.jsonValue(),
    },
    { requiredKeys: [] },
  ),
);

const body = fc.oneof(
  { weight: 3, arbitrary: fc.jsonValue().map((value) => Buffer.from(JSON.stringify(value) ?? 'null')) },
  { weight: 6, arbitrary: nearValidBody.map((value) => Buffer.from(JSON.stringify(value))) },
  { weight: 2, arbitrary: fc.string({ maxLength: 200 }).map((text) => Buffer.from(text)) },
  { weight: 1, arbitrary: fc.json().map((text) => Buffer.from(text.slice(0, Math.max(0, text.length - 1)))) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes)) },
  {
    weight: 1,
    arbitrary: fc
      .integer({ min: 200_000, max: 1_200_000 })
      .map((n) => Buffer.from(JSON.stringify({ planId: 'x'.repeat(n) }))),
  },
  {
    weight: 1,
    arbitrary: fc.nat(3000).map((depth) => Buffer.from(`${'['.repeat(depth)}${']'.repeat(depth)}`)),
  },
  { weight: 1, arbitrary: fc.constant(Buffer.alloc(0)) },
);

const contentType = fc.oneof(
  { weight: 6, arbitrary: fc.constant('application/json') },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      'application/json; charset=utf-8',
      'text/plain',
      'application/x-www-form-urlencoded',
      'application/problem+json',
      'APPLICATION/JSON',
      '',
    ),
  },
);

function requestsFor(route: RouteSpec, count: number, seed: number, webhookSecret: string): FuzzRequest[] {
  const names = [...route.path.matchAll(/\{(\w+)\}/g)].map((match) => match[1] as string);
  const params = fc.tuple(...names.map((name) => pathParameter(name)));
  const hasBody = route.method !== 'GET';
  const arbitrary = fc.record({
    params,
    query: queryString,
    body: hasBody ? fc.option(body, { nil: undefined, freq: 8 }) : fc.constant(undefined),
    contentType,
    idempotencyKey: fc.option(fc.oneof(fc.uuid(), fc.string({ maxLength: 300 })), { nil: undefined }),
    signed: fc.boolean(),
  });
  return fc.sample(arbitrary, { numRuns: count, seed }).map((sample) => {
    let index = 0;
    const path = route.path.replace(/\{\w+\}/g, () => sample.params[index++] ?? '');
    const headers: Record<string, string> = {};
    if (sample.contentType) headers['content-type'] = sample.contentType;
    if (sample.idempotencyKey !== undefined) {
      // Header values must be ByteStrings: keep what fetch accepts.
      const key = sample.idempotencyKey.replace(/[^\x20-\x7e]/g, '');
      if (key.trim() === key) headers['idempotency-key'] = key;
    }
    if (route.path === '/v1/webhooks/transatel' && sample.signed && sample.body) {
      headers[SIGNATURE_HEADER] = signBody(sample.body, webhookSecret);
    }
    return {
      method: route.method,
      target: `${path}${sample.query}`,
      headers,
      ...(sample.body ? { body: sample.body } : {}),
    };
  });
}

function describeRequest(request: FuzzRequest): string {
  const shown = request.body ? ` body ${request.body.subarray(0, 120).toString('utf8')}` : '';
  return `${request.method} ${request.target.slice(0, 160)}${shown}`;
}

async function sendChunk(
  baseUrl: string,
  requests: readonly FuzzRequest[],
  concurrency: number,
  outcome: RouteOutcome,
): Promise<void> {
  await forEachAtOnce(requests, concurrency, async (request) => {
    let status: number;
    let answer = '';
    try {
      const response = await fetch(`${baseUrl}${request.target}`, {
        method: request.method,
        headers: request.headers,
        ...(request.body ? { body: request.body } : {}),
      });
      status = response.status;
      answer = (await response.text()).slice(0, 300);
    } catch (error) {
      // A connection the gateway dropped counts against it, as a 5xx would.
      status = 599;
      answer = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    }
    outcome.sent += 1;
    outcome.statuses.set(status, (outcome.statuses.get(status) ?? 0) + 1);
    if (status >= 500 && outcome.fiveXx.length < 3)
      outcome.fiveXx.push({ request: describeRequest(request), status, answer });
  });
}

/** Generated and sent in chunks of CHUNK requests (seeded per chunk), so huge bodies are not all held at once. */
const CHUNK = 500;

async function fuzzRoute(
  baseUrl: string,
  route: RouteSpec,
  count: number,
  seed: number,
  webhookSecret: string,
): Promise<RouteOutcome> {
  const outcome: RouteOutcome = {
    route: `${route.method} ${route.path}`,
    sent: 0,
    statuses: new Map(),
    fiveXx: [],
  };
  for (let offset = 0; offset < count; offset += CHUNK) {
    const requests = requestsFor(
      route,
      Math.min(CHUNK, count - offset),
      seed * 1000 + offset / CHUNK,
      webhookSecret,
    );
    await sendChunk(baseUrl, requests, 6, outcome);
  }
  return outcome;
}

export interface FuzzOptions {
  perRoute: number;
  progress: (line: string) => void;
}

/**
 * Part 6: for every route of shared/topology.ts, fast-check-generated path parameters, query strings, headers
 * and bodies over HTTP to the local gateway; any 5xx is a finding (the simulator injects no fault).
 */
export async function runFuzz(options: FuzzOptions): Promise<PartResult> {
  const started = performance.now();
  const bench = await startBenchStack({
    simulator: { activationDelayMs: 0, lifecycleDelayMs: 0 },
    separateSimulator: true,
    simulatorLogFile: `${process.cwd()}/.bench-out/logs/fuzz-simulator.log`,
  });
  const outcomes: RouteOutcome[] = [];
  try {
    let seed = 1;
    for (const route of topologyRoutes) {
      const outcome = await fuzzRoute(
        bench.stack.url,
        route,
        options.perRoute,
        seed++,
        bench.stack.webhook.secret,
      );
      outcomes.push(outcome);
      const fiveXx = [...outcome.statuses.entries()]
        .filter(([status]) => status >= 500)
        .reduce((n, [, c]) => n + c, 0);
      options.progress(`fuzz: ${outcome.route}: ${fmtInt(outcome.sent)} requests, ${fiveXx} 5xx`);
    }
  } finally {
    await bench.stop();
  }
  const fiveXxOf = (outcome: RouteOutcome) =>
    [...outcome.statuses.entries()].filter(([status]) => status >= 500).reduce((n, [, c]) => n + c, 0);
  const total5xx = outcomes.reduce((n, outcome) => n + fiveXxOf(outcome), 0);
  const total = outcomes.reduce((n, outcome) => n + outcome.sent, 0);
  const samples = outcomes.flatMap((outcome) =>
    outcome.fiveXx.map((sample) => ({ route: outcome.route, ...sample })),
  );
  return {
    part: 'fuzz',
    seconds: (performance.now() - started) / 1000,
    tables: [
      {
        title: `6. Input fuzz: ${fmtInt(total)} requests over ${outcomes.length} routes`,
        columns: ['route', 'requests', '5xx', 'answers'],
        rows: outcomes.map((outcome) => [
          outcome.route,
          fmtInt(outcome.sent),
          String(fiveXxOf(outcome)),
          [...outcome.statuses.entries()]
            .sort((a, b) => a[0] - b[0])
            .map(([status, count]) => `${status} ×${fmtInt(count)}`)
            .join(', '),
        ]),
        notes: [
          `fast-check 4 (fc.sample, seeded per route and chunk of 500): path parameters (seeded and Luhn-valid ICCIDs, wrong lengths, unicode, binary, 5,000-character strings, raw broken percent-encodings), query strings (known and random names, dates, numbers, duplicates, bad encodings), headers (content types, Idempotency-Key), bodies (random JSON values, near-valid request shapes, truncated JSON, binary, empty, 3,000-deep arrays, 0.2-1.2 MB strings); webhook bodies signed half of the time.`,
          'HTTP to the local gateway, 6 requests in flight; Transatel is the simulator in its own process with no fault, so a 5xx from Transatel would be a finding too. 599 = connection dropped.',
          ...samples.map(
            (sample) =>
              `5xx sample (${sample.route}): ${sample.status} for ${sample.request} -> ${sample.answer}`,
          ),
        ],
      },
    ],
    targets: [
      { target: 'input fuzz: no 5xx', measured: `${total5xx} of ${fmtInt(total)}`, pass: total5xx === 0 },
    ],
  };
}
