import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConfigError } from '#shared/wiring/config.js';
import {
  createTransatelSecrets,
  getTransatelCredentials,
  resetTransatelSecrets,
  SecretError,
  type TransatelSecret,
  type TransatelSecretSource,
} from '#shared/wiring/secrets.js';

// The Secrets Manager source, with the SDK's client over HTTP to the local stand-in:
// test/integration/runtime/secrets.test.ts.

afterEach(() => {
  vi.unstubAllEnvs();
  resetTransatelSecrets();
});

const secret = (clientSecret: string): TransatelSecret => ({
  clientId: 'client-1',
  clientSecret,
  webhookSecrets: [`whsec-${clientSecret}`],
});

/** An in-memory source: each load answers the next scripted value (or error), and counts. */
function scriptedSource(...answers: Array<TransatelSecret | Error>) {
  let loads = 0;
  const source: TransatelSecretSource = {
    async load() {
      const answer = answers[Math.min(loads, answers.length - 1)];
      loads += 1;
      if (answer === undefined || answer instanceof Error) throw answer ?? new Error('no answer');
      return answer;
    },
  };
  return { source, loads: () => loads };
}

function clock(start = 1_000_000) {
  let time = start;
  return { now: () => time, advance: (ms: number) => (time += ms) };
}

describe('the Transatel secret cache', () => {
  it('reads once, then serves the value until the TTL has passed', async () => {
    const { source, loads } = scriptedSource(secret('first'), secret('second'));
    const time = clock();
    const secrets = createTransatelSecrets({ source, ttlMs: 300_000, now: time.now });

    expect(await secrets.getTransatelCredentials()).toEqual({ clientId: 'client-1', clientSecret: 'first' });
    time.advance(299_999);
    expect(await secrets.getWebhookSecrets()).toEqual(['whsec-first']);
    expect(loads()).toBe(1);
    time.advance(1);
    expect((await secrets.getTransatelCredentials()).clientSecret).toBe('second');
    expect(loads()).toBe(2);
  });

  it('has concurrent callers share one read', async () => {
    const { source, loads } = scriptedSource(secret('first'));
    const secrets = createTransatelSecrets({ source });
    const all = await Promise.all(Array.from({ length: 10 }, () => secrets.getTransatelCredentials()));
    expect(new Set(all.map((credentials) => credentials.clientSecret))).toEqual(new Set(['first']));
    expect(loads()).toBe(1);
  });

  it('re-reads at once when forced, but forced re-reads closer than 10 s reuse the last read', async () => {
    const { source, loads } = scriptedSource(secret('old'), secret('rotated'), secret('rotated-again'));
    const time = clock();
    const secrets = createTransatelSecrets({ source, ttlMs: 3_600_000, now: time.now });

    expect((await secrets.getTransatelCredentials()).clientSecret).toBe('old');
    expect((await secrets.getTransatelCredentials({ forceRefresh: true })).clientSecret).toBe('rotated');
    time.advance(9_999);
    expect((await secrets.getTransatelCredentials({ forceRefresh: true })).clientSecret).toBe('rotated');
    expect(await secrets.getWebhookSecrets({ forceRefresh: true })).toEqual(['whsec-rotated']);
    await secrets.refresh();
    expect(loads()).toBe(2);

    time.advance(1);
    await secrets.refresh();
    expect((await secrets.getTransatelCredentials()).clientSecret).toBe('rotated-again');
    expect(loads()).toBe(3);
  });

  it('keeps the value it has when a forced read fails, and tells the forcing caller', async () => {
    const down = new SecretError(
      'Cannot read secret s: Secrets Manager answered InternalServiceError (HTTP 500)',
    );
    const { source, loads } = scriptedSource(secret('good'), down, secret('later'));
    const time = clock();
    const secrets = createTransatelSecrets({ source, ttlMs: 300_000, now: time.now });

    await secrets.getTransatelCredentials();
    await expect(secrets.getTransatelCredentials({ forceRefresh: true })).rejects.toBe(down);
    expect((await secrets.getTransatelCredentials()).clientSecret).toBe('good');
    // Within 10 s of the failed one, a forced read reuses the value kept.
    time.advance(5_000);
    expect((await secrets.getTransatelCredentials({ forceRefresh: true })).clientSecret).toBe('good');
    expect(loads()).toBe(2);
  });

  it('keeps serving the last value when the read after the TTL fails, and tries again 10 s later', async () => {
    const down = new SecretError('Cannot read secret s: TimeoutError');
    const { source, loads } = scriptedSource(secret('good'), down, secret('fresh'));
    const time = clock();
    const warn = vi.fn();
    const secrets = createTransatelSecrets({ source, ttlMs: 300_000, now: time.now, warn });

    await secrets.getTransatelCredentials();
    time.advance(300_000);
    expect((await secrets.getTransatelCredentials()).clientSecret).toBe('good');
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('could not be read again'), {
      error: 'Cannot read secret s: TimeoutError',
      retryInMs: 10_000,
    });
    expect(JSON.stringify(warn.mock.calls)).not.toContain('good');
    time.advance(9_999);
    expect((await secrets.getTransatelCredentials()).clientSecret).toBe('good');
    expect(loads()).toBe(2);
    time.advance(1);
    expect((await secrets.getTransatelCredentials()).clientSecret).toBe('fresh');
  });

  it('fails while it has never read the secret, and reads again on the next call', async () => {
    const down = new SecretError('Cannot read secret s: ECONNREFUSED');
    const { source, loads } = scriptedSource(down, secret('up'));
    const secrets = createTransatelSecrets({ source });
    await expect(secrets.getWebhookSecrets()).rejects.toBe(down);
    expect(await secrets.getWebhookSecrets()).toEqual(['whsec-up']);
    expect(loads()).toBe(2);
  });
});

describe("the container's secret, from the environment", () => {
  it('requires TRANSATEL_SECRET_ID and a whole number of cache seconds', async () => {
    vi.stubEnv('TRANSATEL_SECRET_ID', '');
    vi.stubEnv('TRANSATEL_SECRET_CACHE_SECONDS', '1.5');
    const error = await getTransatelCredentials().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).issues.map((issue) => issue.path)).toEqual([
      'TRANSATEL_SECRET_ID',
      'TRANSATEL_SECRET_CACHE_SECONDS',
    ]);
  });
});
