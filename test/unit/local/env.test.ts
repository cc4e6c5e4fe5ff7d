import { describe, expect, it } from 'vitest';
import { applyEnv, LocalConfigError, resolveTransatelTarget, resolveWebhookSecret } from '#local/env.js';

describe('local runtime settings', () => {
  it('uses the simulator with local credentials unless TRANSATEL_BASE_URL is set', () => {
    expect(resolveTransatelTarget({})).toEqual({
      mode: 'simulator',
      clientId: 'local-client',
      clientSecret: 'local-secret',
      mvnoRef: 'M2MA_WW_TSL_LOCAL',
    });
  });

  it('takes the real API credentials from the environment and names every missing one', () => {
    expect(() =>
      resolveTransatelTarget({ TRANSATEL_BASE_URL: 'https://x.example', TRANSATEL_CLIENT_SECRET: 's3cr3t' }),
    ).toThrow(
      new LocalConfigError(
        'TRANSATEL_BASE_URL is set, so the real Transatel API is used and TRANSATEL_CLIENT_ID, TRANSATEL_MVNO_REF ' +
          'must be set too (missing). Unset TRANSATEL_BASE_URL to use the simulator.',
      ),
    );
    expect(
      resolveTransatelTarget({
        TRANSATEL_BASE_URL: 'https://x.example',
        TRANSATEL_CLIENT_ID: 'id',
        TRANSATEL_CLIENT_SECRET: 'secret',
        TRANSATEL_MVNO_REF: ' REF ',
      }),
    ).toEqual({
      mode: 'real',
      baseUrl: 'https://x.example',
      clientId: 'id',
      clientSecret: 'secret',
      mvnoRef: 'REF',
    });
  });

  it('picks the webhook secret from the option, then the variable, then the local default', () => {
    expect(resolveWebhookSecret({ TRANSATEL_WEBHOOK_SECRET: 'env' }, 'opt')).toEqual({
      secret: 'opt',
      source: 'option',
    });
    expect(resolveWebhookSecret({ TRANSATEL_WEBHOOK_SECRET: 'env' })).toEqual({
      secret: 'env',
      source: 'env',
    });
    expect(resolveWebhookSecret({ TRANSATEL_WEBHOOK_SECRET: '' })).toEqual({
      secret: 'local-webhook-secret',
      source: 'default',
    });
  });

  it('applies an environment and puts back what was there, unset variables included', () => {
    const target: Record<string, string | undefined> = { KEEP: 'k', CHANGE: 'old', DROP: 'd' };
    const restore = applyEnv({ CHANGE: 'new', DROP: undefined, ADD: 'a' }, target);
    expect(target).toEqual({ KEEP: 'k', CHANGE: 'new', ADD: 'a' });
    restore();
    expect(target).toEqual({ KEEP: 'k', CHANGE: 'old', DROP: 'd' });
  });
});
