import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ConfigError } from '../../../shared/runtime/config.js';
import {
  createTransatelSecrets,
  environmentSource,
  getTransatelCredentials,
  getWebhookSecrets,
  resetTransatelSecrets,
  SecretError,
  secretsManagerSource,
  type TransatelSecretSource,
} from '../../../shared/runtime/secrets.js';

const secretId = 'iot-capped-plans/dev/transatel';
const secretsManager = mockClient(SecretsManagerClient);

function localClient(): SecretsManagerClient {
  return new SecretsManagerClient({
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
}

function secretJson(clientSecret: string, webhookSecrets: string[] = ['whsec-current']): string {
  return JSON.stringify({ clientId: 'client-1', clientSecret, webhookSecrets });
}

function answerWith(...secretStrings: string[]): void {
  const stub = secretsManager.on(GetSecretValueCommand, { SecretId: secretId });
  for (const secretString of secretStrings) stub.resolvesOnce({ SecretString: secretString });
}

function secretsFromSecretsManager(maxAgeSeconds = 300, minRefreshIntervalMs = 0) {
  return createTransatelSecrets({
    source: secretsManagerSource({ secretId, maxAgeSeconds, client: localClient() }),
    minRefreshIntervalMs,
  });
}

beforeEach(() => {
  secretsManager.reset();
});

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllEnvs();
  resetTransatelSecrets();
});

describe('Transatel secrets from Secrets Manager', () => {
  it('reads and validates the JSON secret', async () => {
    answerWith(secretJson('s3cret-1', ['whsec-current', 'whsec-previous']));
    const secrets = secretsFromSecretsManager();

    expect(await secrets.getTransatelCredentials()).toEqual({
      clientId: 'client-1',
      clientSecret: 's3cret-1',
    });
    expect(await secrets.getWebhookSecrets()).toEqual(['whsec-current', 'whsec-previous']);
    expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(1);
  });

  it('serves from cache until the TTL passes, then reads again', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    answerWith(secretJson('s3cret-1'), secretJson('s3cret-2'));
    const secrets = secretsFromSecretsManager(60);

    expect((await secrets.getTransatelCredentials()).clientSecret).toBe('s3cret-1');
    vi.advanceTimersByTime(59_000);
    expect((await secrets.getTransatelCredentials()).clientSecret).toBe('s3cret-1');
    expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(1);

    vi.advanceTimersByTime(2_000);
    expect((await secrets.getTransatelCredentials()).clientSecret).toBe('s3cret-2');
    expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });

  it('refreshes on demand (after a rotation) and on forceRefresh', async () => {
    answerWith(secretJson('old'), secretJson('rotated'), secretJson('rotated-again'));
    const secrets = secretsFromSecretsManager();

    expect((await secrets.getTransatelCredentials()).clientSecret).toBe('old');
    await secrets.refresh();
    expect((await secrets.getTransatelCredentials()).clientSecret).toBe('rotated');
    expect((await secrets.getTransatelCredentials({ forceRefresh: true })).clientSecret).toBe(
      'rotated-again',
    );
    expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(3);
  });

  it('limits forced refreshes to one per interval', async () => {
    answerWith(secretJson('old'), secretJson('rotated'), secretJson('never-read'));
    let now = 1_000_000;
    const secrets = createTransatelSecrets({
      source: secretsManagerSource({ secretId, client: localClient() }),
      minRefreshIntervalMs: 10_000,
      now: () => now,
    });

    await secrets.getTransatelCredentials();
    await secrets.refresh();
    await secrets.refresh();
    now += 5_000;
    expect((await secrets.getTransatelCredentials({ forceRefresh: true })).clientSecret).toBe('rotated');
    expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });

  it('reads the secret once for many concurrent cold callers', async () => {
    answerWith(secretJson('s3cret-1'));
    const secrets = secretsFromSecretsManager();
    const all = await Promise.all(Array.from({ length: 10 }, () => secrets.getTransatelCredentials()));
    expect(new Set(all.map((credentials) => credentials.clientSecret))).toEqual(new Set(['s3cret-1']));
    expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(1);
  });

  it('names the invalid field, never the value', async () => {
    answerWith(JSON.stringify({ clientId: 'client-1', clientSecret: '', webhookSecrets: ['whsec-leak'] }));
    const secrets = secretsFromSecretsManager();

    const error = await secrets.getTransatelCredentials().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SecretError);
    expect((error as SecretError).message).toBe(
      `Secret ${secretId} is invalid: clientSecret must not be empty`,
    );
    expect((error as SecretError).issues).toEqual([{ path: 'clientSecret', message: 'must not be empty' }]);
    expect(JSON.stringify(error)).not.toContain('whsec-leak');
  });

  it('reports missing fields and too many webhook secrets', async () => {
    answerWith(JSON.stringify({ clientId: 'client-1', webhookSecrets: ['a', 'b', 'c'] }));
    const error = await secretsFromSecretsManager()
      .getWebhookSecrets()
      .catch((caught: unknown) => caught);
    expect((error as SecretError).message).toBe(
      `Secret ${secretId} is invalid: clientSecret is required; webhookSecrets must hold at most the current and the previous secret`,
    );
  });

  it('does not quote a secret that is not JSON', async () => {
    answerWith('clientSecret=plain-text-value');
    const error = await secretsFromSecretsManager()
      .getTransatelCredentials()
      .catch((caught: unknown) => caught);
    expect((error as SecretError).message).toBe(`Secret ${secretId} is not a JSON object`);
    expect(String((error as SecretError).cause ?? '')).not.toContain('plain-text-value');
  });

  it('wraps a Secrets Manager failure', async () => {
    secretsManager.on(GetSecretValueCommand).rejects(new Error('AccessDeniedException'));
    const error = await secretsFromSecretsManager()
      .getTransatelCredentials()
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SecretError);
    expect((error as SecretError).message).toBe(`Cannot read secret ${secretId}`);
  });
});

describe('Transatel secrets from the environment (local runtime)', () => {
  it('reads client credentials and a comma-separated webhook secret list', async () => {
    const secrets = createTransatelSecrets({
      source: environmentSource({
        TRANSATEL_CLIENT_ID: 'local-client',
        TRANSATEL_CLIENT_SECRET: 'local-secret',
        TRANSATEL_WEBHOOK_SECRETS: 'current, previous',
      }),
    });
    expect(await secrets.getTransatelCredentials()).toEqual({
      clientId: 'local-client',
      clientSecret: 'local-secret',
    });
    expect(await secrets.getWebhookSecrets()).toEqual(['current', 'previous']);
  });

  it('accepts a single TRANSATEL_WEBHOOK_SECRET', async () => {
    const source = environmentSource({
      TRANSATEL_CLIENT_ID: 'id',
      TRANSATEL_CLIENT_SECRET: 'secret',
      TRANSATEL_WEBHOOK_SECRET: 'only',
    });
    expect((await source.load({ forceRefresh: false })).webhookSecrets).toEqual(['only']);
  });

  it('names the missing variables', async () => {
    const source: TransatelSecretSource = environmentSource({ TRANSATEL_CLIENT_ID: 'id' });
    await expect(source.load({ forceRefresh: false })).rejects.toThrow(ConfigError);
    await expect(source.load({ forceRefresh: false })).rejects.toThrow(
      'Invalid environment: TRANSATEL_CLIENT_SECRET is required',
    );
    const noWebhook = environmentSource({ TRANSATEL_CLIENT_ID: 'id', TRANSATEL_CLIENT_SECRET: 'secret' });
    await expect(noWebhook.load({ forceRefresh: false })).rejects.toThrow(
      'Invalid environment: TRANSATEL_WEBHOOK_SECRETS must list the current secret',
    );
  });

  it('backs the process-wide functions when TRANSATEL_CREDENTIALS_SOURCE=env', async () => {
    vi.stubEnv('TRANSATEL_CREDENTIALS_SOURCE', 'env');
    vi.stubEnv('TRANSATEL_CLIENT_ID', 'process-client');
    vi.stubEnv('TRANSATEL_CLIENT_SECRET', 'process-secret');
    vi.stubEnv('TRANSATEL_WEBHOOK_SECRET', 'process-webhook');
    expect(await getTransatelCredentials()).toEqual({
      clientId: 'process-client',
      clientSecret: 'process-secret',
    });
    expect(await getWebhookSecrets()).toEqual(['process-webhook']);
  });

  it('requires TRANSATEL_SECRET_ID when reading Secrets Manager', async () => {
    vi.stubEnv('TRANSATEL_CREDENTIALS_SOURCE', '');
    vi.stubEnv('TRANSATEL_SECRET_ID', '');
    await expect(getTransatelCredentials()).rejects.toThrow(
      'Invalid environment: TRANSATEL_SECRET_ID is required',
    );
  });
});
