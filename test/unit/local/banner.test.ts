import { describe, expect, it } from 'vitest';
import { startupBanner } from '#local/banner.js';
import type { LocalStack } from '#local/stack.js';

const stack = {
  url: 'http://127.0.0.1:3000',
  transatel: { mode: 'simulator', baseUrl: 'http://127.0.0.1:4010' },
  webhook: {
    url: 'http://127.0.0.1:3000/webhooks/transatel',
    secret: 'local-webhook-secret',
    source: 'default',
  },
  endpoints: { sqs: 'http://127.0.0.1:1', dynamodb: 'http://127.0.0.1:2' },
  tapQueueUrl: 'http://127.0.0.1:1/queue/tap',
  secretsManager: { url: 'http://127.0.0.1:3', secretId: 'arn:aws:secretsmanager:us-east-1:0:secret:x' },
} as unknown as LocalStack;

const transatelLine = (banner: string) => banner.split('\n').find((line) => line.includes('Transatel'));

describe('startup banner', () => {
  it('names the simulator variant on the Transatel line unless it is documented', () => {
    expect(transatelLine(startupBanner(stack, { activationDelayMs: 2000, variant: 'sparse' }))).toBe(
      '  Transatel       http://127.0.0.1:4010  (simulator, variant sparse, activations complete after 2000 ms)',
    );
    expect(transatelLine(startupBanner(stack, { variant: 'test-mode' }))).toContain(
      '(simulator, variant test-mode)',
    );
    expect(transatelLine(startupBanner(stack, { activationDelayMs: 2000, variant: 'documented' }))).toBe(
      '  Transatel       http://127.0.0.1:4010  (simulator, activations complete after 2000 ms)',
    );
    expect(transatelLine(startupBanner(stack))).toBe('  Transatel       http://127.0.0.1:4010  (simulator)');
  });
});
