import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Context } from 'aws-lambda';
import { type FunctionName, functions } from '../shared/topology.js';
import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from './aws.js';
import { LOCAL_STAGE } from './provision.js';
import { recordInvocation } from './usage.js';

/** A Lambda handler as the local runtime calls it: event in, result (or a rejection) out. */
export type LambdaHandler = (event: unknown, context: Context) => Promise<unknown>;
export type HandlerLoader = (name: FunctionName) => Promise<LambdaHandler>;

const projectRoot = fileURLToPath(new URL('../', import.meta.url));

function isHandler(value: unknown): value is LambdaHandler {
  return typeof value === 'function';
}

/**
 * Loads `topology.functions[name].entry` (relative to the project root) on first use, by dynamic
 * import: tsx and vitest import .ts directly. A failed load is not cached, so a fixed file loads next time.
 */
export function topologyHandlerLoader(root: string = projectRoot): HandlerLoader {
  const cache = new Map<FunctionName, Promise<LambdaHandler>>();
  return (name) => {
    let loading = cache.get(name);
    if (!loading) {
      const entry = functions[name].entry;
      loading = import(pathToFileURL(resolve(root, entry)).href).then((module: Record<string, unknown>) => {
        if (!isHandler(module.handler)) throw new Error(`${entry} does not export a handler function`);
        return module.handler;
      });
      loading.catch(() => cache.delete(name));
      cache.set(name, loading);
    }
    return loading;
  };
}

export function localFunctionName(name: FunctionName): string {
  return `${LOCAL_STAGE}-${name}`;
}

/** A Lambda-like Context whose remaining time counts down from the topology's timeout. */
export function lambdaContext(name: FunctionName, requestId: string = randomUUID()): Context {
  const spec = functions[name];
  const functionName = localFunctionName(name);
  const deadline = Date.now() + spec.timeoutSeconds * 1000;
  const day = new Date().toISOString().slice(0, 10).replaceAll('-', '/');
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:function:${functionName}`,
    memoryLimitInMB: String(spec.memoryMb),
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: `${day}/[$LATEST]${randomUUID().replaceAll('-', '')}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

export type Invocation =
  | { outcome: 'returned'; value: unknown }
  | { outcome: 'threw'; error: unknown }
  /** Lambda would have killed the function; here it runs on in the background, its result ignored. */
  | { outcome: 'timedOut'; timeoutSeconds: number };

/**
 * Loads and runs the function's handler within its topology timeout. Never rejects. Each run of a loaded
 * handler is counted with its duration (local/usage.ts), even past the timeout.
 */
export async function invokeFunction(
  loadHandler: HandlerLoader,
  name: FunctionName,
  event: unknown,
  context: Context = lambdaContext(name),
): Promise<Invocation> {
  const { timeoutSeconds } = functions[name];
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<Invocation>((done) => {
    timer = setTimeout(() => done({ outcome: 'timedOut', timeoutSeconds }), timeoutSeconds * 1000);
  });
  const run = (async (): Promise<Invocation> => {
    try {
      const handler = await loadHandler(name);
      const started = performance.now();
      try {
        return { outcome: 'returned', value: await handler(event, context) };
      } finally {
        recordInvocation(name, performance.now() - started);
      }
    } catch (error) {
      return { outcome: 'threw', error };
    }
  })();
  try {
    return await Promise.race([run, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
