import {
  CreateSecretCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '#local/aws.js';
import { startLocalSecretsManager } from '#local/secrets-manager.js';
import {
  createTransatelSecrets,
  getTransatelCredentials,
  getWebhookSecrets,
  resetTransatelSecrets,
  SecretError,
  secretsManagerSource,
} from '#shared/wiring/secrets.js';

/**
 * The Transatel secret read with the SDK's Secrets Manager client, as the functions build it, over real HTTP to the
 * local stand-in (local/secrets-manager.ts): the client's JSON 1.1 requests, the stand-in's answers and errors.
 */

const stand = await startLocalSecretsManager();
const admin = new SecretsManagerClient({
  region: LOCAL_REGION,
  credentials: LOCAL_CREDENTIALS,
  endpoint: stand.url,
});
const client = new SecretsManagerClient({
  region: LOCAL_REGION,
  credentials: LOCAL_CREDENTIALS,
  endpoint: stand.url,
  maxAttempts: 1,
});

afterEach(() => {
  vi.unstubAllEnvs();
  resetTransatelSecrets();
});

afterAll(async () => {
  admin.destroy();
  client.destroy();
  await stand.stop();
});

function secretJson(clientSecret: string, webhookSecrets: string[] = ['whsec-current']): string {
  return JSON.stringify({ clientId: 'client-1', clientSecret, webhookSecrets });
}

let created = 0;
/** A new secret with this value; answers its ARN. */
async function newSecret(value: string | Uint8Array): Promise<string> {
  created += 1;
  const { ARN } = await admin.send(
    new CreateSecretCommand({
      Name: `iot-capped-plans/test-${created}/transatel`,
      ...(typeof value === 'string' ? { SecretString: value } : { SecretBinary: value }),
    }),
  );
  return ARN ?? '';
}

const readFrom = (secretId: string) => secretsManagerSource({ secretId, client }).load();

describe('the Transatel secret from Secrets Manager, with the SDK client', () => {
  it('reads the secret by ARN and validates its JSON', async () => {
    const arn = await newSecret(secretJson('s3cret-1', ['whsec-current', 'whsec-previous']));
    expect(await readFrom(arn)).toEqual({
      clientId: 'client-1',
      clientSecret: 's3cret-1',
      webhookSecrets: ['whsec-current', 'whsec-previous'],
    });
  });

  it('reads a binary secret', async () => {
    const arn = await newSecret(new TextEncoder().encode(secretJson('from-binary')));
    expect((await readFrom(arn)).clientSecret).toBe('from-binary');
  });

  it('names the invalid field, never the value', async () => {
    const arn = await newSecret(
      JSON.stringify({ clientId: 'client-1', clientSecret: '', webhookSecrets: ['whsec-leak'] }),
    );
    const error = await readFrom(arn).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SecretError);
    expect((error as SecretError).message).toBe(`Secret ${arn} is invalid: clientSecret must not be empty`);
    expect((error as SecretError).issues).toEqual([{ path: 'clientSecret', message: 'must not be empty' }]);
    expect(JSON.stringify(error)).not.toContain('whsec-leak');
  });

  it('reports missing fields and too many webhook secrets', async () => {
    const arn = await newSecret(JSON.stringify({ clientId: 'client-1', webhookSecrets: ['a', 'b', 'c'] }));
    await expect(readFrom(arn)).rejects.toThrow(
      `Secret ${arn} is invalid: clientSecret is required; webhookSecrets must hold at most the current and the previous secret`,
    );
  });

  it('does not quote a secret that is not JSON', async () => {
    const arn = await newSecret('clientSecret=plain-text-value');
    const error = await readFrom(arn).catch((caught: unknown) => caught);
    expect((error as SecretError).message).toBe(`Secret ${arn} is not a JSON object`);
    expect(String((error as SecretError).cause ?? '')).not.toContain('plain-text-value');
  });

  it('says what Secrets Manager answered when it cannot give the secret, and that it did not answer', async () => {
    await expect(readFrom('iot-capped-plans/nowhere/transatel')).rejects.toThrow(
      'Cannot read secret iot-capped-plans/nowhere/transatel: Secrets Manager answered ResourceNotFoundException (HTTP 400)',
    );
    await admin.send(new CreateSecretCommand({ Name: 'iot-capped-plans/empty/transatel' }));
    await expect(readFrom('iot-capped-plans/empty/transatel')).rejects.toThrow(
      'Secrets Manager answered ResourceNotFoundException (HTTP 400)',
    );

    const closed = await startLocalSecretsManager();
    await closed.stop();
    const nowhere = new SecretsManagerClient({
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
      endpoint: closed.url,
      maxAttempts: 1,
    });
    try {
      const error = await secretsManagerSource({ secretId: 'any', client: nowhere })
        .load()
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(SecretError);
      expect((error as SecretError).message).toMatch(/^Cannot read secret any: \w+ ECONNREFUSED$/);
    } finally {
      nowhere.destroy();
    }
  });

  it('sees a rotation at once when forced, through the cache', async () => {
    const arn = await newSecret(secretJson('old'));
    const secrets = createTransatelSecrets({
      source: secretsManagerSource({ secretId: arn, client }),
      ttlMs: 3_600_000,
    });
    const reads = stand.calls('GetSecretValue');
    expect((await secrets.getTransatelCredentials()).clientSecret).toBe('old');
    await admin.send(new PutSecretValueCommand({ SecretId: arn, SecretString: secretJson('rotated') }));
    expect((await secrets.getTransatelCredentials()).clientSecret).toBe('old');
    expect((await secrets.getTransatelCredentials({ forceRefresh: true })).clientSecret).toBe('rotated');
    expect(stand.calls('GetSecretValue') - reads).toBe(2);
  });

  it("builds the container's client from the environment as the SDK reads it", async () => {
    const arn = await newSecret(secretJson('from-env-config', ['whsec-env']));
    vi.stubEnv('TRANSATEL_SECRET_ID', arn);
    vi.stubEnv('AWS_ENDPOINT_URL_SECRETS_MANAGER', stand.url);
    vi.stubEnv('AWS_REGION', LOCAL_REGION);
    vi.stubEnv('AWS_ACCESS_KEY_ID', LOCAL_CREDENTIALS.accessKeyId);
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', LOCAL_CREDENTIALS.secretAccessKey);
    const reads = stand.calls('GetSecretValue');
    expect((await getTransatelCredentials()).clientSecret).toBe('from-env-config');
    expect(await getWebhookSecrets()).toEqual(['whsec-env']);
    expect(stand.calls('GetSecretValue') - reads).toBe(1);
  });
});
