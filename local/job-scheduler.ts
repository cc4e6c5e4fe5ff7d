import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from './aws.js';
import type { RuntimeLog } from './log.js';

/**
 * The local runtime's scheduler: the two calls of EventBridge Scheduler's REST API the jobs use (CreateSchedule
 * with a one-time `at(...)` expression and an SQS target, DeleteSchedule), on 127.0.0.1. At its time a schedule
 * sends its target's Input to the queue, then is deleted (`ActionAfterCompletion: DELETE`). Requests are not
 * signature-checked; schedules live in memory.
 */

export interface LocalScheduler {
  url: string;
  /** Schedules waiting, by name. */
  pending(): string[];
  stop(): Promise<void>;
}

interface Target {
  Arn?: unknown;
  Input?: unknown;
}

/** The Scheduler's error codes by status, sent in `x-amzn-errortype` as its restJson protocol does. */
const ERROR_TYPES: Record<number, string> = {
  400: 'ValidationException',
  404: 'ResourceNotFoundException',
  405: 'ValidationException',
  409: 'ConflictException',
};

function reply(response: ServerResponse, status: number, body: Record<string, unknown>): void {
  const errorType = ERROR_TYPES[status];
  response.writeHead(status, {
    'content-type': 'application/json',
    ...(errorType ? { 'x-amzn-errortype': errorType } : {}),
  });
  response.end(JSON.stringify(body));
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** `at(2026-12-06T10:00:05)` in UTC, as the jobs write it. */
function parseAt(expression: unknown): number | undefined {
  if (typeof expression !== 'string') return undefined;
  const match = /^at\((\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\)$/.exec(expression);
  return match ? Date.parse(`${match[1]}Z`) : undefined;
}

export async function startLocalScheduler(options: {
  sqs: SQSClient;
  /** Queue URL by queue ARN: the targets it can reach. */
  queueUrls: ReadonlyMap<string, string>;
  log?: RuntimeLog;
}): Promise<LocalScheduler> {
  const timers = new Map<string, NodeJS.Timeout>();
  const fire = async (name: string, target: Target) => {
    timers.delete(name);
    const url = options.queueUrls.get(String(target.Arn));
    if (!url) {
      options.log?.warn(`scheduler: schedule ${name} targets an unknown queue ${String(target.Arn)}`);
      return;
    }
    try {
      await options.sqs.send(
        new SendMessageCommand({ QueueUrl: url, MessageBody: String(target.Input ?? '') }),
      );
    } catch (error) {
      options.log?.warn(`scheduler: schedule ${name} could not send: ${String(error)}`);
    }
  };

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const match = /^\/schedules\/([^/]+)$/.exec(url.pathname);
    if (!match) return reply(response, 404, { Message: 'Unknown operation' });
    const name = decodeURIComponent(match[1] as string);
    if (request.method === 'POST') {
      const body = JSON.parse((await readBody(request)) || '{}') as {
        ScheduleExpression?: unknown;
        Target?: Target;
      };
      const at = parseAt(body.ScheduleExpression);
      if (at === undefined || !body.Target) {
        return reply(response, 400, {
          Message: 'Only one-time at(...) schedules with a target are supported',
        });
      }
      if (timers.has(name)) return reply(response, 409, { Message: `Schedule ${name} already exists` });
      const target = body.Target;
      const timer = setTimeout(() => void fire(name, target), Math.max(0, at - Date.now()));
      timer.unref();
      timers.set(name, timer);
      return reply(response, 200, {
        ScheduleArn: `arn:aws:scheduler:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:schedule/${url.searchParams.get('groupName') ?? 'default'}/${name}`,
      });
    }
    if (request.method === 'DELETE') {
      const timer = timers.get(name);
      if (!timer) return reply(response, 404, { Message: `Schedule ${name} does not exist` });
      clearTimeout(timer);
      timers.delete(name);
      return reply(response, 200, {});
    }
    return reply(response, 405, { Message: 'Method not allowed' });
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => reply(response, 400, { Message: String(error) }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    pending: () => [...timers.keys()],
    async stop() {
      for (const timer of timers.values()) clearTimeout(timer);
      timers.clear();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
    },
  };
}
