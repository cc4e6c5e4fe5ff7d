import { describe, expect, it } from 'vitest';
import { mergeOptions, resolveClientConfig } from '#shared/transatel/config.js';

const credentials = async () => ({ clientId: 'id', clientSecret: 'secret' });
const required = {
  baseUrl: 'http://127.0.0.1:9/',
  mvnoRef: 'M2MA_WW_TSL_X',
  cos: 'COS',
  ratePlan: 'PLAN',
  credentials,
};

describe('resolveClientConfig', () => {
  it('drops trailing slashes from the base URL and fills in the defaults', () => {
    const config = resolveClientConfig({ ...required, baseUrl: 'https://api.example//' });
    expect(config).toMatchObject({
      baseUrl: 'https://api.example',
      defaultOptions: [],
      paymentProvider: 'Customer',
      timeoutMs: 10_000,
      tokenRefreshSkewMs: 60_000,
    });
    expect(config.maxRequestsPerSecond).toBeUndefined();
  });

  it('keeps what the caller gives, and treats an explicit undefined as not given', () => {
    const config = resolveClientConfig({
      ...required,
      timeoutMs: 2_000,
      paymentProvider: undefined as unknown as string,
      defaultOptions: [{ name: 'A', value: 'on' }],
      maxRequestsPerSecond: 40,
    });
    expect(config).toMatchObject({
      baseUrl: 'http://127.0.0.1:9',
      timeoutMs: 2_000,
      paymentProvider: 'Customer',
      defaultOptions: [{ name: 'A', value: 'on' }],
      maxRequestsPerSecond: 40,
    });
  });
});

describe('mergeOptions', () => {
  it('lets the caller win by option name', () => {
    expect(
      mergeOptions(
        [
          { name: 'A', value: 'on' },
          { name: 'B', value: 'off' },
        ],
        [{ name: 'B', value: 'on' }],
      ),
    ).toEqual([
      { name: 'A', value: 'on' },
      { name: 'B', value: 'on' },
    ]);
  });
});
