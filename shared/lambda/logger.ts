import { Logger } from '@aws-lambda-powertools/logger';
import { redactSensitive } from './log-redaction.js';
import { sourceMapError } from './source-mapped-stack.js';

export type { Logger } from '@aws-lambda-powertools/logger';

export const defaultServiceName = 'iot-capped-plans';

export interface CreateLoggerOptions {
  serviceName?: string;
}

/** Runs before Powertools formats a value: secrets hidden, errors' stacks mapped to the sources. */
function logReplacer(key: string, value: unknown): unknown {
  return redactSensitive(key, value instanceof Error ? sourceMapError(value) : value);
}

/**
 * A Powertools logger whose JSON output never contains secrets (see log-redaction.ts), and whose errors show
 * TypeScript positions in a bundled function (see source-mapped-stack.ts).
 */
export function createLogger(options: CreateLoggerOptions = {}): Logger {
  return new Logger({
    serviceName: options.serviceName ?? (process.env.POWERTOOLS_SERVICE_NAME || defaultServiceName),
    jsonReplacerFn: logReplacer,
  });
}

/** The process-wide logger. Level: POWERTOOLS_LOG_LEVEL, else LOG_LEVEL, else INFO. */
export const logger = createLogger();

/** Identifiers worth finding a log line by. */
export interface OrderLogContext {
  orderId?: string | undefined;
  iccid?: string | undefined;
}

const orderContextKeys = ['orderId', 'iccid'] as const;

export function appendOrderContext(context: OrderLogContext, target: Logger = logger): void {
  const keys: Record<string, string> = {};
  for (const key of orderContextKeys) {
    const value = context[key];
    if (value) keys[key] = value;
  }
  if (Object.keys(keys).length > 0) target.appendKeys(keys);
}

export function removeOrderContext(target: Logger = logger): void {
  target.removeKeys([...orderContextKeys]);
}

/**
 * Runs `work` with `keys` appended to every log line, and removes them afterwards.
 * The keys are process-wide, so this suits sequential work (one request, one record at a time).
 */
export async function withLogContext<T>(
  keys: Record<string, string | number | undefined>,
  work: () => Promise<T>,
  target: Logger = logger,
): Promise<T> {
  const present = Object.fromEntries(
    Object.entries(keys).filter(([, value]) => value !== undefined),
  ) as Record<string, string | number>;
  target.appendKeys(present);
  try {
    return await work();
  } finally {
    target.removeKeys(Object.keys(present));
  }
}
