import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConfigError } from '#shared/wiring/config.js';
import {
  createTransatelSecrets,
  environmentSource,
  getTransatelCredentials,
  getWebhookSecrets,
  resetTransatelSecrets,
  type TransatelSecretSource,
} from '#shared/wiring/secrets.js';

// Secrets read through the Parameters and Secrets extension (over HTTP): test/integration/runtime/secrets.test.ts.

afterEach(() => {
  vi.unstubAllEnvs();
  resetTransatelSecrets();
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

  it('requires TRANSATEL_SECRET_ID and AWS_SESSION_TOKEN when reading Secrets Manager', async () => {
    vi.stubEnv('TRANSATEL_CREDENTIALS_SOURCE', '');
    vi.stubEnv('TRANSATEL_SECRET_ID', '');
    vi.stubEnv('AWS_SESSION_TOKEN', '');
    await expect(getTransatelCredentials()).rejects.toThrow(
      'Invalid environment: TRANSATEL_SECRET_ID is required; AWS_SESSION_TOKEN is required',
    );
  });
});
