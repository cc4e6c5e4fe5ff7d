import { randomUUID } from 'node:crypto';
import type { MiddlewareObj } from '@middy/core';
import type { HistoryEntry, HistoryStore } from '../store/history.js';
import { oneLine } from '../store/history-keys.js';
import { callerOf } from './caller.js';
import type { HttpEvent, HttpResponse } from './http-event.js';
import { logger } from './logger.js';
import { problemContentType } from './problem.js';

/**
 * Operator actions in the SIMs' history: once a call's answer is known (a refusal too), one `operator.action`
 * entry per SIM the call concerned, with the caller's IAM principal, the route and the outcome. A write that
 * fails or takes too long is logged and never changes the answer. Every HTTP function loads this module, so
 * it imports no history store: the auditing functions pass theirs in.
 */

/** One call, as its audit sees it. */
export interface AuditedCall {
  event: HttpEvent;
  status: number;
  /** The answer's JSON body (a problem's included); undefined when it has none or it is not JSON. */
  answer: unknown;
  /** The request body as sent, when it is JSON, whether or not the route accepted it. */
  request: unknown;
}

/** A SIM the call concerned, and what to say about it. */
export interface AuditSubject {
  iccid: string;
  /** What was asked, for a person: `suspend`, `activation with plan X`... The outcome is appended. */
  summary: string;
  orderId?: string | undefined;
  details?: Record<string, unknown>;
}

export interface HttpAudit {
  /**
   * The history the entries go to, built on first use as every client; it may be imported then too (a function
   * that otherwise holds no DynamoDB client keeps the SDK out of its cold start).
   */
  history: () => Pick<HistoryStore, 'appendNew'> | Promise<Pick<HistoryStore, 'appendNew'>>;
  /** The SIMs a call concerned; none for a call that names no SIM it could be filed under. */
  subjects: (call: AuditedCall) => AuditSubject[] | Promise<AuditSubject[]>;
  /** The longest the answer waits for the write (default 2 s, and never past the function's time). */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 2_000;
/** Kept back from the function's remaining time, to answer. */
const ANSWER_MARGIN_MS = 500;

function parseJson(text: string | undefined): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function requestBody(event: HttpEvent): unknown {
  if (typeof event.body !== 'string') return undefined;
  return parseJson(event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body);
}

function contentType(response: HttpResponse): string | undefined {
  const entry = Object.entries(response.headers ?? {}).find(
    ([name]) => name.toLowerCase() === 'content-type',
  );
  return entry === undefined ? undefined : String(entry[1]);
}

/** A problem's `title` (Transatel's, or ours such as SIM_HAS_OPEN_ORDER); nothing for a success. */
function problemTitle(response: HttpResponse, answer: unknown): string | undefined {
  if (!contentType(response)?.startsWith(problemContentType)) return undefined;
  const title = (answer as { title?: unknown } | undefined)?.title;
  return typeof title === 'string' && title !== '' ? title.slice(0, 200) : undefined;
}

function requestTime(event: HttpEvent, fallback: number): string {
  const epoch = (event.requestContext as { timeEpoch?: unknown } | undefined)?.timeEpoch;
  return new Date(typeof epoch === 'number' && Number.isFinite(epoch) ? epoch : fallback).toISOString();
}

function requestIdOf(event: HttpEvent): string {
  const id = event.requestContext?.requestId;
  return typeof id === 'string' && id !== '' && id.length <= 200 ? id : randomUUID();
}

/** The entries of one call: one per SIM (the first subject of a SIM named twice). */
export async function auditEntries(
  audit: Pick<HttpAudit, 'subjects'>,
  event: HttpEvent,
  response: HttpResponse,
  startedAt: number,
): Promise<HistoryEntry[]> {
  const answer = contentType(response)?.includes('json') ? parseJson(response.body) : undefined;
  const subjects = await audit.subjects({
    event,
    status: response.statusCode,
    answer,
    request: requestBody(event),
  });
  if (subjects.length === 0) return [];
  const title = problemTitle(response, answer);
  const outcome = { status: response.statusCode, ...(title === undefined ? {} : { title }) };
  const common = {
    at: requestTime(event, startedAt),
    id: requestIdOf(event),
    source: 'operator',
    type: 'operator.action',
    actor: callerOf(event),
    route: event.routeKey,
    outcome,
  } as const;
  const seen = new Set<string>();
  return subjects.flatMap((subject) => {
    if (seen.has(subject.iccid)) return [];
    seen.add(subject.iccid);
    return [
      {
        ...common,
        iccid: subject.iccid,
        summary: oneLine(`${subject.summary}: ${outcome.status}${title === undefined ? '' : ` ${title}`}`),
        ...(subject.orderId === undefined ? {} : { orderId: subject.orderId }),
        ...(subject.details === undefined ? {} : { details: subject.details }),
      },
    ];
  });
}

async function withinMs<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), Math.max(0, ms));
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Entries per append: a call on 1,000 SIMs is written a chunk at a time, so that once its time is up no more
 * writes start (in Lambda they would run when the container thaws; locally they would load the emulator).
 */
const CHUNK = 64;

async function writeWithin(
  audit: HttpAudit,
  entries: readonly HistoryEntry[],
  deadline: number,
): Promise<void> {
  const history = await withinMs(Promise.resolve(audit.history()), deadline - Date.now());
  for (let start = 0; start < entries.length; start += CHUNK) {
    const left = deadline - Date.now();
    if (left <= 0) {
      throw new Error(`out of time: ${entries.length - start} of ${entries.length} entries not written`);
    }
    // A call's entries are keyed by its request id: new, so written in batches without append's check.
    await withinMs(history.appendNew(entries.slice(start, start + CHUNK)), left);
  }
}

/** The middleware behind `httpHandler`'s `audit` option. */
export function auditTrail(audit: HttpAudit): MiddlewareObj<HttpEvent, HttpResponse> {
  // Keyed by event: the local runtime may run one handler for several requests at once.
  const startedAt = new WeakMap<HttpEvent, number>();
  const record: NonNullable<MiddlewareObj<HttpEvent, HttpResponse>['after']> = async (request) => {
    const { event, response, context } = request;
    if (!response) return;
    const remaining = context?.getRemainingTimeInMillis?.() ?? Number.POSITIVE_INFINITY;
    const budget = Math.min(audit.timeoutMs ?? DEFAULT_TIMEOUT_MS, remaining - ANSWER_MARGIN_MS);
    const deadline = Date.now() + budget;
    try {
      if (budget <= 0) throw new Error('no time left before the function times out');
      const entries = await withinMs(
        auditEntries(audit, event, response, startedAt.get(event) ?? Date.now()),
        budget,
      );
      if (entries.length > 0) await writeWithin(audit, entries, deadline);
    } catch (error) {
      logger.warn('audit entry not written', { error, route: event.routeKey, status: response.statusCode });
    }
  };
  return {
    before: ({ event }) => {
      startedAt.set(event, Date.now());
    },
    after: record,
    onError: record,
  };
}
