import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  createTransatelSecrets,
  getTransatelCredentials,
  resetTransatelSecrets,
  SecretError,
  secretsExtensionSource,
} from '#shared/wiring/secrets.js';
import { json, type RecordedRequest, startScriptedServer } from '#test/support/scripted-server.js';

const secretId = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:iot-capped-plans/dev/transatel-AbCdEf';
const sessionToken = 'session-token-of-the-role';

/**
 * A stand-in for the AWS Parameters and Secrets Lambda Extension (no emulator exists): real HTTP on
 * 127.0.0.1, answering GET /secretsmanager/get as the extension does, from a scripted list of values.
 */
let answers: Array<(request: RecordedRequest) => { status: number; body: unknown }> = [];
const extension = await startScriptedServer({
  'GET /secretsmanager/get': (request, res) => {
    const next = answers.shift() ?? (() => ({ status: 500, body: { message: 'no answer scripted' } }));
    const { status, body } = next(request);
    if (typeof body === 'string') res.writeHead(status).end(body);
    else json(res, status, body);
  },
});
const port = Number(new URL(extension.url).port);

function secretJson(clientSecret: string, webhookSecrets: string[] = ['whsec-current']): string {
  return JSON.stringify({ clientId: 'client-1', clientSecret, webhookSecrets });
}

function answerWith(...secretStrings: string[]): void {
  for (const secretString of secretStrings) {
    answers.push(() => ({ status: 200, body: { Name: 'transatel', SecretString: secretString } }));
  }
}

const reads = () => extension.count('GET', '/secretsmanager/get');

function secretsFromExtension(minRefreshIntervalMs = 0) {
  return createTransatelSecrets({
    source: secretsExtensionSource({ secretId, sessionToken, port }),
    minRefreshIntervalMs,
  });
}

beforeEach(() => {
  answers = [];
  extension.requests.length = 0;
});

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllEnvs();
  resetTransatelSecrets();
});

afterAll(() => extension.close());

describe('Transatel secrets from Secrets Manager, through the Parameters and Secrets extension', () => {
  it('asks the extension for the secret with the session token, then validates the JSON', async () => {
    answerWith(secretJson('s3cret-1', ['whsec-current', 'whsec-previous']));
    const secrets = secretsFromExtension();

    expect(await secrets.getTransatelCredentials()).toEqual({
      clientId: 'client-1',
      clientSecret: 's3cret-1',
    });
    const [request] = extension.requests;
    expect(request?.query).toBe(`?secretId=${encodeURIComponent(secretId)}`);
    expect(request?.headers['x-aws-parameters-secrets-token']).toBe(sessionToken);
    answerWith(secretJson('s3cret-1', ['whsec-current', 'whsec-previous']));
    expect(await secrets.getWebhookSecrets()).toEqual(['whsec-current', 'whsec-previous']);
  });

  it("asks again on every read and on a refresh: the cache is the extension's", async () => {
    answerWith(secretJson('old'), secretJson('rotated'), secretJson('rotated-again'));
    const secrets = secretsFromExtension();

    expect((await secrets.getTransatelCredentials()).clientSecret).toBe('old');
    await secrets.refresh();
    expect((await secrets.getTransatelCredentials({ forceRefresh: true })).clientSecret).toBe(
      'rotated-again',
    );
    expect(reads()).toBe(3);
  });

  it('reads a binary secret', async () => {
    const binary = Buffer.from(secretJson('from-binary')).toString('base64');
    answers.push(() => ({ status: 200, body: { Name: 'transatel', SecretBinary: binary } }));
    expect((await secretsFromExtension().getTransatelCredentials()).clientSecret).toBe('from-binary');
  });

  it('reads the secret once for many concurrent cold callers', async () => {
    answerWith(secretJson('s3cret-1'));
    const secrets = secretsFromExtension();
    const all = await Promise.all(Array.from({ length: 10 }, () => secrets.getTransatelCredentials()));
    expect(new Set(all.map((credentials) => credentials.clientSecret))).toEqual(new Set(['s3cret-1']));
    expect(reads()).toBe(1);
  });

  it('names the invalid field, never the value', async () => {
    answerWith(JSON.stringify({ clientId: 'client-1', clientSecret: '', webhookSecrets: ['whsec-leak'] }));
    const error = await secretsFromExtension()
      .getTransatelCredentials()
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SecretError);
    expect((error as SecretError).message).toBe(
      `Secret ${secretId} is invalid: clientSecret must not be empty`,
    );
    expect((error as SecretError).issues).toEqual([{ path: 'clientSecret', message: 'must not be empty' }]);
    expect(JSON.stringify(error)).not.toContain('whsec-leak');
  });

  it('reports missing fields and too many webhook secrets', async () => {
    answerWith(JSON.stringify({ clientId: 'client-1', webhookSecrets: ['a', 'b', 'c'] }));
    const error = await secretsFromExtension()
      .getWebhookSecrets()
      .catch((caught: unknown) => caught);
    expect((error as SecretError).message).toBe(
      `Secret ${secretId} is invalid: clientSecret is required; webhookSecrets must hold at most the current and the previous secret`,
    );
  });

  it('does not quote a secret that is not JSON', async () => {
    answerWith('clientSecret=plain-text-value');
    const error = await secretsFromExtension()
      .getTransatelCredentials()
      .catch((caught: unknown) => caught);
    expect((error as SecretError).message).toBe(`Secret ${secretId} is not a JSON object`);
    expect(String((error as SecretError).cause ?? '')).not.toContain('plain-text-value');
  });

  it('says what the extension answered when it cannot give the secret', async () => {
    answers.push(() => ({ status: 400, body: 'AccessDeniedException' }));
    const denied = await secretsFromExtension()
      .getTransatelCredentials()
      .catch((caught: unknown) => caught);
    expect(denied).toBeInstanceOf(SecretError);
    expect((denied as SecretError).message).toBe(
      `Cannot read secret ${secretId}: the secrets extension answered HTTP 400`,
    );

    answers.push(() => ({ status: 200, body: 'not json' }));
    await expect(secretsFromExtension().getTransatelCredentials()).rejects.toThrow(
      `Cannot read secret ${secretId}: the secrets extension answered no JSON`,
    );

    answers.push(() => ({ status: 200, body: { Name: 'transatel' } }));
    await expect(secretsFromExtension().getTransatelCredentials()).rejects.toThrow(
      `Secret ${secretId} has no value`,
    );
  });

  it('says so when no extension listens', async () => {
    const closed = await startScriptedServer({});
    const closedPort = Number(new URL(closed.url).port);
    await closed.close();
    const source = secretsExtensionSource({ secretId, sessionToken, port: closedPort });
    await expect(source.load({ forceRefresh: false })).rejects.toThrow(
      `Cannot read secret ${secretId}: the secrets extension did not answer`,
    );
  });

  it('reads the port and the session token from the environment Lambda gives', async () => {
    vi.stubEnv('TRANSATEL_CREDENTIALS_SOURCE', 'secretsmanager');
    vi.stubEnv('TRANSATEL_SECRET_ID', secretId);
    vi.stubEnv('AWS_SESSION_TOKEN', sessionToken);
    vi.stubEnv('PARAMETERS_SECRETS_EXTENSION_HTTP_PORT', String(port));
    answerWith(secretJson('from-env-config'));
    expect((await getTransatelCredentials()).clientSecret).toBe('from-env-config');
  });
});
