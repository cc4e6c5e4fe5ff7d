import {
  GetSecretValueCommand,
  SecretsManagerClient,
  SecretsManagerServiceException,
} from '@aws-sdk/client-secrets-manager';
import { SECRET_ID_ENV } from '#shared/topology/env-names.js';
import { type FieldIssue, requiredFieldErrorMap, toFieldIssues } from '../lambda/field-issues.js';
import { logger } from '../lambda/logger.js';
import * as z from '../zod.js';
import { awsClientConfig } from './aws.js';
import { type Env, loadConfig } from './config.js';

/**
 * Transatel credentials: one Secrets Manager JSON secret `{ clientId, clientSecret, webhookSecrets: [current,
 * previous?] }` (TRANSATEL_SECRET_ID), read with the SDK's Secrets Manager client and cached in the container
 * (docs/design.md, "The Transatel secret"). Locally the same client reads a stand-in (local/secrets-manager.ts).
 * Values are never logged nor put in error messages: errors name the secret and the field only.
 */

const secretString = z.string().check(z.minLength(1, 'must not be empty'));

export const transatelSecretSchema = z.object({
  clientId: secretString,
  clientSecret: secretString,
  webhookSecrets: z
    .array(secretString)
    .check(
      z.minLength(1, 'must list the current secret'),
      z.maxLength(2, 'must hold at most the current and the previous secret'),
    ),
});
export type TransatelSecret = z.output<typeof transatelSecretSchema>;

export interface TransatelCredentials {
  clientId: string;
  clientSecret: string;
}

export class SecretError extends Error {
  override readonly name = 'SecretError';

  constructor(
    message: string,
    readonly issues: readonly FieldIssue[] = [],
  ) {
    super(message);
  }
}

/** Where the secret comes from: each `load` reads it anew (the cache is createTransatelSecrets'). */
export interface TransatelSecretSource {
  load(): Promise<TransatelSecret>;
}

function describeIssues(issues: readonly FieldIssue[]): string {
  return issues.map((issue) => `${issue.path} ${issue.message}`).join('; ');
}

function parseSecretDocument(secretId: string, raw: string): TransatelSecret {
  let document: unknown;
  try {
    document = JSON.parse(raw);
  } catch {
    // Not the parser's message: it quotes the text, which is the secret.
    throw new SecretError(`Secret ${secretId} is not a JSON object`);
  }
  const parsed = transatelSecretSchema.safeParse(document, { error: requiredFieldErrorMap });
  if (!parsed.success) {
    const issues = toFieldIssues(parsed.error);
    throw new SecretError(`Secret ${secretId} is invalid: ${describeIssues(issues)}`, issues);
  }
  return parsed.data;
}

/**
 * What went wrong reading the secret, from the error's kind only. The SDK's error is not kept as the cause: one
 * raised on an answer it could not parse carries the answer's body, which would be the secret.
 */
function describeReadError(error: unknown): string {
  if (error instanceof SecretsManagerServiceException) {
    return `Secrets Manager answered ${error.name} (HTTP ${error.$metadata.httpStatusCode ?? 'unknown'})`;
  }
  if (error instanceof Error) {
    const code = 'code' in error && typeof error.code === 'string' ? ` ${error.code}` : '';
    return `${error.name}${code}`;
  }
  return 'unknown error';
}

/** GetSecretValue on `secretId` (name or ARN), its SecretString (or SecretBinary) read as the JSON secret. */
export function secretsManagerSource(options: {
  secretId: string;
  client: Pick<SecretsManagerClient, 'send'>;
}): TransatelSecretSource {
  const { secretId, client } = options;
  return {
    async load() {
      let text: string | undefined;
      try {
        const answer = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
        text =
          answer.SecretString ??
          (answer.SecretBinary ? Buffer.from(answer.SecretBinary).toString('utf8') : undefined);
      } catch (error) {
        throw new SecretError(`Cannot read secret ${secretId}: ${describeReadError(error)}`);
      }
      if (text === undefined) throw new SecretError(`Secret ${secretId} has no value`);
      return parseSecretDocument(secretId, text);
    },
  };
}

export interface TransatelSecrets {
  getTransatelCredentials(options?: { forceRefresh?: boolean }): Promise<TransatelCredentials>;
  getWebhookSecrets(options?: { forceRefresh?: boolean }): Promise<string[]>;
  /** Rereads the secret now (e.g. after Transatel rejected the cached credentials). */
  refresh(): Promise<void>;
}

/** How long a read serves: a rotation is seen at the next refusal, else within this time. */
export const SECRET_CACHE_DEFAULT_SECONDS = 300;
/** Forced re-reads closer together than this reuse the last read. */
export const SECRET_MIN_REFRESH_INTERVAL_MS = 10_000;

export interface TransatelSecretsOptions {
  source: TransatelSecretSource;
  /** How long a read is served before the next call reads again (default 300 s). */
  ttlMs?: number;
  /**
   * Forced refreshes closer together than this reuse the last read, so a persistent 401 does not turn every
   * Transatel call into a Secrets Manager call (default 10 s).
   */
  minRefreshIntervalMs?: number;
  now?: () => number;
  /** Told when an expired value is kept because the re-read failed (the message names no value). */
  warn?: (message: string, attributes: Record<string, unknown>) => void;
}

/**
 * The secret, cached: read on first use, then again when `ttlMs` has passed or when a caller forces it (a
 * refusal by Transatel, a webhook signature that matches no secret), at most once per `minRefreshIntervalMs`.
 * Concurrent callers share one read. A failed read never replaces a good value: a failed forced read fails its
 * callers (the error says Secrets Manager could not be read) and the value stays until its TTL; a failed read
 * after the TTL keeps serving the last value and tries again after `minRefreshIntervalMs`.
 */
export function createTransatelSecrets(options: TransatelSecretsOptions): TransatelSecrets {
  const {
    source,
    ttlMs = SECRET_CACHE_DEFAULT_SECONDS * 1000,
    minRefreshIntervalMs = SECRET_MIN_REFRESH_INTERVAL_MS,
    now = Date.now,
    warn,
  } = options;
  let cached: { value: TransatelSecret; expiresAt: number } | undefined;
  let pending: Promise<TransatelSecret> | undefined;
  let lastForcedAt = Number.NEGATIVE_INFINITY;

  const load = (kind: 'first' | 'forced' | 'expired'): Promise<TransatelSecret> => {
    const previous = cached;
    const loading = source
      .load()
      .then(
        (value) => {
          cached = { value, expiresAt: now() + ttlMs };
          return value;
        },
        (error: unknown) => {
          if (kind !== 'expired' || !previous) throw error;
          cached = { value: previous.value, expiresAt: now() + minRefreshIntervalMs };
          warn?.('The Transatel secret could not be read again; the value read before stays in use', {
            error: error instanceof Error ? error.message : 'unknown error',
            retryInMs: minRefreshIntervalMs,
          });
          return previous.value;
        },
      )
      .finally(() => {
        if (pending === loading) pending = undefined;
      });
    pending = loading;
    return loading;
  };

  const read = (forceRefresh: boolean): Promise<TransatelSecret> => {
    if (pending) return pending;
    if (!cached) return load('first');
    const at = now();
    if (forceRefresh) {
      if (at - lastForcedAt < minRefreshIntervalMs) return Promise.resolve(cached.value);
      lastForcedAt = at;
      return load('forced');
    }
    return at < cached.expiresAt ? Promise.resolve(cached.value) : load('expired');
  };

  return {
    async getTransatelCredentials({ forceRefresh = false } = {}) {
      const { clientId, clientSecret } = await read(forceRefresh);
      return { clientId, clientSecret };
    },
    async getWebhookSecrets({ forceRefresh = false } = {}) {
      return [...(await read(forceRefresh)).webhookSecrets];
    },
    async refresh() {
      await read(true);
    },
  };
}

const secretEnv = z.object({
  [SECRET_ID_ENV]: secretString,
  TRANSATEL_SECRET_CACHE_SECONDS: z._default(
    z.coerce.number().check(z.int(), z.minimum(0), z.maximum(86_400)),
    SECRET_CACHE_DEFAULT_SECONDS,
  ),
});

// The container's client and cache, built on first use: region, credentials and (locally) the endpoint
// (AWS_ENDPOINT_URL_SECRETS_MANAGER) come from the environment, as the SDK reads them.
let processClient: SecretsManagerClient | undefined;
let processCache: TransatelSecrets | undefined;

function processSecrets(env: Env = process.env): TransatelSecrets {
  if (processCache) return processCache;
  const config = loadConfig(secretEnv, env);
  processClient ??= new SecretsManagerClient({ ...awsClientConfig() });
  processCache = createTransatelSecrets({
    source: secretsManagerSource({ secretId: config.TRANSATEL_SECRET_ID, client: processClient }),
    ttlMs: config.TRANSATEL_SECRET_CACHE_SECONDS * 1000,
    warn: (message, attributes) => logger.warn(message, attributes),
  });
  return processCache;
}

/** Client id and secret for Transatel's token endpoint. Matches the client layer's `CredentialsProvider`. */
export async function getTransatelCredentials(options?: {
  forceRefresh?: boolean;
}): Promise<TransatelCredentials> {
  return processSecrets().getTransatelCredentials(options);
}

/** Webhook HMAC secrets, current first, then the previous one during a rotation. */
export async function getWebhookSecrets(options?: { forceRefresh?: boolean }): Promise<string[]> {
  return processSecrets().getWebhookSecrets(options);
}

export async function refreshTransatelSecrets(): Promise<void> {
  return processSecrets().refresh();
}

/**
 * Forgets the container's cache and client, as a new container would start (tests, and a second local stack in
 * one process): the next call reads the environment and the secret again. The client is dropped, not destroyed:
 * destroying it would close the keep-alive agent every client of awsClientConfig shares.
 */
export function resetTransatelSecrets(): void {
  processCache = undefined;
  processClient = undefined;
}
