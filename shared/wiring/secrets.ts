import { SECRET_ID_ENV } from '#shared/topology/env-names.js';
import { type FieldIssue, requiredFieldErrorMap, toFieldIssues } from '../lambda/field-issues.js';
import { lazy } from '../lazy.js';
import { sendAttempt } from '../transatel/http-attempt.js';
import * as z from '../zod.js';
import { type Env, loadConfig, positiveInteger } from './config.js';

/**
 * Transatel credentials: in AWS one Secrets Manager JSON secret `{ clientId, clientSecret, webhookSecrets:
 * [current, previous?] }`, read through the Parameters and Secrets Lambda Extension; locally
 * (`TRANSATEL_CREDENTIALS_SOURCE=env`) TRANSATEL_CLIENT_ID, TRANSATEL_CLIENT_SECRET and
 * TRANSATEL_WEBHOOK_SECRETS (comma-separated, current first) or TRANSATEL_WEBHOOK_SECRET. Values are never
 * logged nor put in error messages: errors name the field only.
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

export interface SecretsExtensionSourceOptions {
  secretId: string;
  /** The function's AWS_SESSION_TOKEN: the extension answers only requests that carry it. */
  sessionToken: string;
  /** PARAMETERS_SECRETS_EXTENSION_HTTP_PORT; the extension's default is 2773. */
  port?: number;
  timeoutMs?: number;
}

const secretsExtensionDefaultPort = 2773;

/** What the extension answers: Secrets Manager's GetSecretValue output, as JSON. */
const extensionAnswerSchema = z.looseObject({
  SecretString: z.optional(z.string()),
  SecretBinary: z.optional(z.string()),
});

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
 * Reads the secret through the AWS Parameters and Secrets Lambda Extension (a layer CDK adds to every
 * function that reads it): a GET on localhost, answered from the extension's cache, which calls Secrets
 * Manager when its TTL (SECRETS_MANAGER_TTL, set by infra) has passed. No Secrets Manager client is bundled,
 * for a shorter cold start (docs/design.md); but a forced refresh cannot bypass the extension's cache, so a
 * rotation is seen within the TTL.
 */
export function secretsExtensionSource(options: SecretsExtensionSourceOptions): TransatelSecretSource {
  const { secretId, sessionToken, port = secretsExtensionDefaultPort, timeoutMs = 5_000 } = options;
  const url = `http://localhost:${port}/secretsmanager/get?secretId=${encodeURIComponent(secretId)}`;
  const headers = { 'x-aws-parameters-secrets-token': sessionToken };
  return {
    async load() {
      let answer: Awaited<ReturnType<typeof sendAttempt>>;
      try {
        answer = await sendAttempt(url, { method: 'GET', headers }, timeoutMs, 'read secret');
      } catch (error) {
        throw new SecretError(`Cannot read secret ${secretId}: the secrets extension did not answer`, [], {
          cause: error,
        });
      }
      if (!answer.ok) {
        throw new SecretError(
          `Cannot read secret ${secretId}: the secrets extension answered HTTP ${answer.status}`,
        );
      }
      let body: unknown;
      try {
        body = JSON.parse(answer.text);
      } catch {
        throw new SecretError(`Cannot read secret ${secretId}: the secrets extension answered no JSON`);
      }
      const value = extensionAnswerSchema.safeParse(body);
      const text = !value.success
        ? undefined
        : (value.data.SecretString ??
          (value.data.SecretBinary === undefined
            ? undefined
            : Buffer.from(value.data.SecretBinary, 'base64').toString('utf8')));
      if (text === undefined) throw new SecretError(`Secret ${secretId} has no value`);
      return parseSecretDocument(secretId, text);
    },
  };
}

// Only the local runtime reads credentials from its environment: built when it does, not in every container.
const credentialsEnv = lazy(() =>
  z.object({
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
  }),
);

/** Reads the environment on every load, so a test or the local runtime can change it. */
export function environmentSource(env: Env = process.env): TransatelSecretSource {
  return {
    async load() {
      const vars = loadConfig(credentialsEnv(), env);
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
  [SECRET_ID_ENV]: secretString,
  // Lambda sets both: the session token of the function's role, and the port when infra configures one.
  AWS_SESSION_TOKEN: secretString,
  PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: z._default(positiveInteger(), secretsExtensionDefaultPort),
});

/** The source the environment asks for: Secrets Manager (through the extension) in AWS, the environment locally. */
export function transatelSecretSourceFromEnv(env: Env = process.env): TransatelSecretSource {
  const { TRANSATEL_CREDENTIALS_SOURCE } = loadConfig(sourceEnv, env);
  if (TRANSATEL_CREDENTIALS_SOURCE === 'env') return environmentSource(env);
  const config = loadConfig(secretsManagerEnv, env);
  return secretsExtensionSource({
    secretId: config.TRANSATEL_SECRET_ID,
    sessionToken: config.AWS_SESSION_TOKEN,
    port: config.PARAMETERS_SECRETS_EXTENSION_HTTP_PORT,
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
