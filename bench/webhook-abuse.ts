import { randomBytes, randomUUID } from 'node:crypto';
import { DeleteMessageBatchCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { iccidFor, msisdnFor } from '../local/simulator/index.js';
import type { LocalStack } from '../local/stack.js';
import { SIGNATURE_HEADER, signBody } from '../shared/transatel/webhooks/signature.js';
import { forEachAtOnce } from './at-once.js';
import { drainDeadLetters, sleep } from './orders.js';
import { startBenchStack } from './stack.js';
import { seededRandom } from './stats.js';
import { fmtInt, type PartResult } from './table.js';

type Kind = 'valid' | 'replayed' | 'forged' | 'tampered' | 'oversized' | 'non-JSON' | 'not an event';

const SHARES: [Kind, number][] = [
  ['valid', 0.35],
  ['replayed', 0.15],
  ['forged', 0.12],
  ['tampered', 0.12],
  ['oversized', 0.08],
  ['non-JSON', 0.1],
  ['not an event', 0.08],
];

/**
 * Answers each kind may get. Bytes that are not UTF-8 but labelled application/json reach the handler decoded as
 * text (API Gateway's and the local gateway's handling of text content types), so they no longer match their
 * signature: 401 rather than 400, still a rejection.
 */
const EXPECTED: Record<Kind, number[]> = {
  valid: [204],
  replayed: [204],
  forged: [401],
  tampered: [401],
  oversized: [413],
  'non-JSON': [400, 401],
  'not an event': [400],
};

const HOW: Record<Kind, string> = {
  valid:
    'a new event (eSIM, OCS threshold, SIM suspended, network and unknown types), unique eventId, signed',
  replayed: 'an earlier valid request sent again, byte for byte, signature included',
  forged: 'signed with a wrong secret, or a malformed or missing signature header',
  tampered: 'signed, then the body changed (eventId or a field) before sending',
  oversized: 'a signed event padded past 64 KiB (65-200 KiB)',
  'non-JSON': 'signed bytes that are not JSON (text, truncated JSON; binary: 401, see below)',
  'not an event': 'signed JSON without an event header (arrays, scalars, objects)',
};

interface Sent {
  kind: Kind;
  status: number;
}

function eventBody(index: number, random: () => number): { eventId: string; raw: string } {
  const eventId = `bench-${randomUUID()}`;
  const eventDate = new Date().toISOString();
  const i = Math.floor(random() * 50);
  const variants = [
    {
      header: { eventId, eventType: 'SIM-MANAGEMENT/ESIM/INSTALLED', eventDate },
      body: {
        simSerial: iccidFor('active-esim', i),
        eid: `8904903200000000000000000000${String(i).padStart(4, '0')}`,
        status: 'installed',
      },
    },
    {
      header: { eventId, eventType: 'OCS/RESOURCE/THRESHOLD', eventDate },
      body: {
        iccid: iccidFor('active', i),
        msisdn: msisdnFor('active', i),
        resource: { resourceName: 'DATA', resourceUnit: 'KB', resourceValue: 800, thresholdPercent: 80 },
      },
    },
    {
      header: { eventId, eventType: 'CONNECTIVITY-MANAGEMENT/SUBSCRIBER/SUSPENDED', eventDate },
      body: {
        simSerial: iccidFor('active', i),
        msisdn: msisdnFor('active', i),
        status: 'Suspended',
        source: 'API',
      },
    },
    {
      header: { eventId, eventType: 'NETWORK/SMS/RECEIVED', eventDate },
      body: { msisdn: msisdnFor('active', i), text: 'hello' },
    },
    { header: { eventId, eventType: 'BENCH/SOMETHING/NEW', eventDate }, body: { anything: [index, 'goes'] } },
  ];
  return { eventId, raw: JSON.stringify(variants[index % variants.length]) };
}

interface Planned {
  kind: Kind;
  body: Buffer;
  headers: Record<string, string>;
  /** The eventId a valid event carries (for the exactly-once check). */
  eventId?: string;
}

function plan(total: number, secret: string, seed: number): Planned[] {
  const random = seededRandom(seed);
  const kinds: Kind[] = [];
  for (const [kind, share] of SHARES) for (let i = 0; i < Math.round(total * share); i++) kinds.push(kind);
  while (kinds.length < total) kinds.push('valid');
  // Shuffle, but keep every replay after at least one valid event.
  for (let i = kinds.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [kinds[i], kinds[j]] = [kinds[j] as Kind, kinds[i] as Kind];
  }
  const signed = (raw: string | Buffer) => ({
    'content-type': 'application/json',
    [SIGNATURE_HEADER]: signBody(raw, secret),
  });
  const valid: Planned[] = [];
  return kinds.map((kind, index): Planned => {
    if (kind === 'replayed' && valid.length > 0) {
      const original = valid[Math.floor(random() * valid.length)] as Planned;
      return { kind, body: original.body, headers: original.headers };
    }
    const { eventId, raw } = eventBody(index, random);
    switch (kind) {
      case 'forged': {
        const variant = index % 3;
        const headers: Record<string, string> =
          variant === 0
            ? { 'content-type': 'application/json', [SIGNATURE_HEADER]: signBody(raw, `${secret}-wrong`) }
            : variant === 1
              ? { 'content-type': 'application/json', [SIGNATURE_HEADER]: 'sha256=not-hex' }
              : { 'content-type': 'application/json' };
        return { kind, body: Buffer.from(raw), headers };
      }
      case 'tampered': {
        const changed =
          index % 2 === 0
            ? raw.replace(eventId, `${eventId}-x`)
            : raw.replace('"eventDate":"', '"eventDate":"1');
        return { kind, body: Buffer.from(changed), headers: signed(raw) };
      }
      case 'oversized': {
        const padded = JSON.stringify({
          ...JSON.parse(raw),
          padding: 'x'.repeat(65 * 1024 + Math.floor(random() * 135 * 1024)),
        });
        return { kind, body: Buffer.from(padded), headers: signed(padded) };
      }
      case 'non-JSON': {
        const options = [
          randomBytes(64 + (index % 200)),
          Buffer.from(`not json ${index}`),
          Buffer.from(raw.slice(0, raw.length - 3)),
        ];
        const body = options[index % options.length] as Buffer;
        return { kind, body, headers: signed(body) };
      }
      case 'not an event': {
        const options = [
          '[1,2,3]',
          '"text"',
          '42',
          'null',
          '{}',
          '{"header":{"eventId":""},"body":{}}',
          `{"body":${raw}}`,
        ];
        const body = Buffer.from(options[index % options.length] as string);
        return { kind, body, headers: signed(body) };
      }
      default: {
        const event: Planned = { kind: 'valid', body: Buffer.from(raw), headers: signed(raw), eventId };
        valid.push(event);
        return event;
      }
    }
  });
}

async function sendAll(url: string, planned: readonly Planned[], concurrency: number): Promise<Sent[]> {
  const results: Sent[] = new Array(planned.length);
  await forEachAtOnce(planned, concurrency, async (request, index) => {
    const response = await fetch(url, { method: 'POST', headers: request.headers, body: request.body });
    await response.arrayBuffer();
    results[index] = { kind: request.kind, status: response.status };
  });
  return results;
}

/** Reads the events topic's tap queue until `expected` event ids were seen and nothing came for `quietMs`. */
async function readPublished(
  stack: LocalStack,
  expected: ReadonlySet<string>,
  timeoutMs: number,
  quietMs: number,
) {
  const sqs = new SQSClient({
    region: 'us-east-1',
    endpoint: stack.endpoints.sqs,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const published = new Map<string, number>();
  const deadline = Date.now() + timeoutMs;
  let lastMessageAt = Date.now();
  try {
    while (Date.now() < deadline) {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: stack.tapQueueUrl,
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: 1,
        }),
      );
      for (const message of Messages) {
        const notification = JSON.parse(message.Body ?? '{}') as { source?: { eventId?: string } };
        const eventId = notification.source?.eventId ?? '(none)';
        published.set(eventId, (published.get(eventId) ?? 0) + 1);
      }
      if (Messages.length > 0) {
        lastMessageAt = Date.now();
        await sqs.send(
          new DeleteMessageBatchCommand({
            QueueUrl: stack.tapQueueUrl,
            Entries: Messages.map((message, index) => ({
              Id: String(index),
              ReceiptHandle: message.ReceiptHandle ?? '',
            })),
          }),
        );
      }
      const allSeen = [...expected].every((eventId) => published.has(eventId));
      if (allSeen && Date.now() - lastMessageAt > quietMs) break;
    }
  } finally {
    sqs.destroy();
  }
  return published;
}

export interface WebhookAbuseOptions {
  requests: number;
  visibilitySeconds: number;
  progress: (line: string) => void;
}

/**
 * Part 5: forged, tampered, replayed, oversized, non-JSON and valid events against the local gateway's
 * POST /v1/webhooks/transatel; every valid event must come out of the events worker once, on the SNS
 * events topic (read through the stack's tap queue).
 */
export async function runWebhookAbuse(options: WebhookAbuseOptions): Promise<PartResult> {
  const started = performance.now();
  const visibility = options.visibilitySeconds;
  const bench = await startBenchStack({
    simulator: { simCounts: { active: 60, 'active-esim': 60 } },
    separateSimulator: false,
    visibilityTimeoutOverrideSeconds: visibility,
  });
  try {
    const { stack } = bench;
    const planned = plan(options.requests, stack.webhook.secret, 5);
    options.progress(`webhooks: sending ${fmtInt(planned.length)} requests, 8 at a time`);
    const sent = await sendAll(stack.webhook.url, planned, 8);
    const validIds = new Set(planned.flatMap((request) => (request.eventId ? [request.eventId] : [])));
    options.progress(
      `webhooks: sent; reading the events topic (tap queue) for ${fmtInt(validIds.size)} valid events`,
    );
    // A replay that arrives while its original is in flight is retried after the visibility timeout.
    const published = await readPublished(
      stack,
      validIds,
      60_000 + 4 * visibility * 1000,
      2 * visibility * 1000 + 2000,
    );
    await sleep(500);
    const letters = await drainDeadLetters(stack);

    const rows = SHARES.map(([kind]) => {
      const mine = sent.filter((result) => result.kind === kind);
      const statuses = new Map<number, number>();
      for (const result of mine) statuses.set(result.status, (statuses.get(result.status) ?? 0) + 1);
      const wrong = mine.filter((result) => !EXPECTED[kind].includes(result.status)).length;
      return {
        kind,
        wrong,
        row: [
          kind,
          fmtInt(mine.length),
          EXPECTED[kind].join(' or '),
          [...statuses.entries()].map(([status, count]) => `${status} ×${count}`).join(', '),
          HOW[kind],
        ],
      };
    });
    const accepted = sent.filter((result) => result.status >= 200 && result.status < 300).length;
    const rejected = sent.length - accepted;
    const once = [...validIds].filter((eventId) => published.get(eventId) === 1).length;
    const missing = [...validIds].filter((eventId) => !published.has(eventId)).length;
    const twice = [...validIds].filter((eventId) => (published.get(eventId) ?? 0) > 1).length;
    const strays = [...published.keys()].filter((eventId) => !validIds.has(eventId)).length;
    const wrongAnswers = rows.reduce((total, row) => total + row.wrong, 0);
    const fiveHundreds = sent.filter((result) => result.status >= 500).length;
    return {
      part: 'webhooks',
      seconds: (performance.now() - started) / 1000,
      tables: [
        {
          title: `5. Webhook abuse: ${fmtInt(sent.length)} requests to POST /v1/webhooks/transatel`,
          columns: ['request', 'sent', 'expected', 'answered', 'what it is'],
          rows: rows.map((row) => row.row),
          notes: [
            `Accepted (2xx): ${fmtInt(accepted)}; rejected: ${fmtInt(rejected)}; answers other than expected: ${wrongAnswers}; 5xx: ${fiveHundreds}.`,
            `Exactly once: of ${fmtInt(validIds.size)} valid events, ${fmtInt(once)} were published once on the SNS events topic, ${missing} never, ${twice} more than once; ${strays} publications of anything else. Read from the stack's tap queue (SQS subscribed to the topic, raw delivery) until every valid eventId was seen and nothing more came for ${2 * visibility + 2} s; events DLQ: ${letters.length} message(s).`,
            'Binary (not UTF-8) bodies labelled application/json are handed to the function as text, as API Gateway does for text content types; the decoded bytes no longer match the signature, hence 401.',
            `Through the local gateway (HTTP, 8 requests in flight) to the webhook-intake handler, the events queue and the events worker (one claim per header.eventId in the idempotency table); replays are mixed in among the originals, some while the original is still in flight; visibility timeout ${visibility} s.`,
          ],
        },
      ],
      targets: [
        {
          target: 'webhook abuse: every request answered as expected (401/413/400 for bad ones)',
          measured: `accepted ${fmtInt(accepted)}, rejected ${fmtInt(rejected)}, unexpected answers ${wrongAnswers}`,
          pass: wrongAnswers === 0,
        },
        {
          target: 'webhook abuse: every valid event processed exactly once',
          measured: `${fmtInt(once)}/${fmtInt(validIds.size)} once (missing ${missing}, twice ${twice}, strays ${strays})`,
          pass: once === validIds.size && strays === 0,
        },
      ],
    };
  } finally {
    await bench.stop();
  }
}
