import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import * as z from '../zod.js';
import { awsClientSettings } from './aws.js';
import { type Env, loadConfig } from './config.js';
import { type FieldIssue, requiredFieldErrorMap, toFieldIssues } from './field-issues.js';

/**
 * Transatel credentials. In AWS they live in one Secrets Manager JSON secret
 * `{ clientId, clientSecret, webhookSecrets: [current, previous?] }`, read through the Powertools
 * SecretsProvider (its cache gives the TTL). Locally (`TRANSATEL_CREDENTIALS_SOURCE=env`) they come
 * from TRANSATEL_CLIENT_ID, TRANSATEL_CLIENT_SECRET and TRANSATEL_WEBHOOK_SECRETS (comma-separated,
 * current first) or TRANSATEL_WEBHOOK_SECRET.
 *
 * Values are never logged nor put in error messages: errors name the field only.
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
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Where the secret comes from. `forceRefresh` bypasses any cache. */
export interface TransatelSecretSource {
  load(options: { forceRefresh: boolean }): Promise<TransatelSecret>;
}

function describeIssues(issues: readonly FieldIssue[]): string {
  return issues.map((issue) => `${issue.path} ${issue.message}`).join('; ');
}

export interface SecretsManagerSourceOptions {
  secretId: string;
  /** Cache lifetime; after it the next read fetches the secret again (rotation pick-up). */
  maxAgeSeconds?: number;
  client?: SecretsManagerClient;
}

export const defaultSecretMaxAgeSeconds = 300;

export function secretsManagerSource(options: SecretsManagerSourceOptions): TransatelSecretSource {
  const { secretId, maxAgeSeconds = defaultSecretMaxAgeSeconds } = options;
  const provider = new SecretsProvider({
    awsSdkV3Client: options.client ?? new SecretsManagerClient(awsClientSettings()),
  });
  return {
    async load({ forceRefresh }) {
      let raw: string | Uint8Array | undefined;
      try {
        // No `transform: 'json'`: its parse errors quote the secret text.
        raw = await provider.get(secretId, { maxAge: maxAgeSeconds, forceFetch: forceRefresh });
      } catch (error) {
        throw new SecretError(`Cannot read secret ${secretId}`, [], { cause: error });
      }
      if (raw === undefined) throw new SecretError(`Secret ${secretId} has no value`);
      let document: unknown;
      try {
        document = JSON.parse(typeof raw === 'string' ? raw : new TextDecoder().decode(raw));
      } catch {
        throw new SecretError(`Secret ${secretId} is not a JSON object`);
      }
      const parsed = transatelSecretSchema.safeParse(document, { error: requiredFieldErrorMap });
      if (!parsed.success) {
        const issues = toFieldIssues(parsed.error);
        throw new SecretError(`Secret ${secretId} is invalid: ${describeIssues(issues)}`, issues);
      }
      return parsed.data;
    },
  };
}

const credentialsEnv = z.object({
  TRANSATEL_CLIENT_ID: secretString,
  TRANSATEL_CLIENT_SECRET: secretString,
  TRANSATEL_WEBHOOK_SECRETS: z.optional(
    z.pipe(
      z.string(),
      z.transform((list: string) =>
        list
          .split(',')
          .map((secret) => secret.trim())
          .filter((secret) => secret !== ''),
      ),
    ),
  ),
  TRANSATEL_WEBHOOK_SECRET: z.optional(secretString),
});

/** Reads the environment on every load, so a test or the local runtime can change it. */
export function environmentSource(env: Env = process.env): TransatelSecretSource {
  return {
    async load() {
      const vars = loadConfig(credentialsEnv, env);
      const webhookSecrets =
        vars.TRANSATEL_WEBHOOK_SECRETS ??
        (vars.TRANSATEL_WEBHOOK_SECRET ? [vars.TRANSATEL_WEBHOOK_SECRET] : []);
      const parsed = transatelSecretSchema.safeParse({
        clientId: vars.TRANSATEL_CLIENT_ID,
        clientSecret: vars.TRANSATEL_CLIENT_SECRET,
        webhookSecrets,
      });
      if (!parsed.success) {
        const issues: FieldIssue[] = toFieldIssues(parsed.error).map((issue) => ({
          path: issue.path.startsWith('webhookSecrets') ? 'TRANSATEL_WEBHOOK_SECRETS' : issue.path,
          message: issue.message,
        }));
        throw new SecretError(`Invalid environment: ${describeIssues(issues)}`, issues);
      }
      return parsed.data;
    },
  };
}

export interface TransatelSecrets {
  getTransatelCredentials(options?: { forceRefresh?: boolean }): Promise<TransatelCredentials>;
  getWebhookSecrets(options?: { forceRefresh?: boolean }): Promise<string[]>;
  /** Rereads the secret now (e.g. after Transatel rejected the cached credentials). */
  refresh(): Promise<void>;
}

export interface TransatelSecretsOptions {
  source: TransatelSecretSource;
  /**
   * Forced refreshes closer together than this reuse the last result, so a persistent 401 does not
   * turn every Transatel call into a Secrets Manager call.
   */
  minRefreshIntervalMs?: number;
  now?: () => number;
}

export function createTransatelSecrets(options: TransatelSecretsOptions): TransatelSecrets {
  const { source, minRefreshIntervalMs = 10_000, now = Date.now } = options;
  let pending: Promise<TransatelSecret> | undefined;
  let lastForcedAt = Number.NEGATIVE_INFINITY;

  // Concurrent callers share one read: a cold start with many calls in flight fetches the secret once.
  const read = (forceRefresh: boolean): Promise<TransatelSecret> => {
    if (pending) return pending;
    const force = forceRefresh && now() - lastForcedAt >= minRefreshIntervalMs;
    if (force) lastForcedAt = now();
    const loading = source.load({ forceRefresh: force }).finally(() => {
      if (pending === loading) pending = undefined;
    });
    pending = loading;
    return loading;
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

const sourceEnv = z.object({
  TRANSATEL_CREDENTIALS_SOURCE: z._default(
    z.enum(['secretsmanager', 'env'], { error: 'must be secretsmanager or env' }),
    'secretsmanager',
  ),
});

const secretsManagerEnv = z.object({
  TRANSATEL_SECRET_ID: secretString,
  TRANSATEL_SECRET_MAX_AGE_SECONDS: z._default(
    z.pipe(z.string().check(z.regex(/^[0-9]+$/, 'must be a whole number of seconds')), z.transform(Number)),
    defaultSecretMaxAgeSeconds,
  ),
});

/** The source the environment asks for: Secrets Manager in AWS, the environment locally. */
export function transatelSecretSourceFromEnv(env: Env = process.env): TransatelSecretSource {
  const { TRANSATEL_CREDENTIALS_SOURCE } = loadConfig(sourceEnv, env);
  if (TRANSATEL_CREDENTIALS_SOURCE === 'env') return environmentSource(env);
  const { TRANSATEL_SECRET_ID, TRANSATEL_SECRET_MAX_AGE_SECONDS } = loadConfig(secretsManagerEnv, env);
  return secretsManagerSource({
    secretId: TRANSATEL_SECRET_ID,
    maxAgeSeconds: TRANSATEL_SECRET_MAX_AGE_SECONDS,
  });
}

let defaultSecrets: TransatelSecrets | undefined;

function processSecrets(): TransatelSecrets {
  defaultSecrets ??= createTransatelSecrets({ source: transatelSecretSourceFromEnv() });
  return defaultSecrets;
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

/** Forgets the process-wide instance so the next call reads the environment again (tests, local runtime). */
export function resetTransatelSecrets(): void {
  defaultSecrets = undefined;
}
