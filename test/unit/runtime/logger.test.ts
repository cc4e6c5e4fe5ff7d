import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isSensitiveKey, REDACTED, redactSensitive } from '#shared/lambda/log-redaction.js';
import {
  appendOrderContext,
  createLogger,
  defaultServiceName,
  type Logger,
  removeOrderContext,
  withLogContext,
} from '#shared/lambda/logger.js';
import { captureLogs } from '#test/support/log-capture.js';

let logs: ReturnType<typeof captureLogs>;
let logger: Logger;

beforeEach(() => {
  logs = captureLogs();
  logger = createLogger();
  logger.setLogLevel('DEBUG');
});

afterEach(() => {
  logs.restore();
});

describe('log redaction', () => {
  it('never prints secret-bearing keys, wherever they are nested', () => {
    logger.info('calling Transatel', {
      credentials: { clientId: 'client-1', clientSecret: 'cs-value' },
      headers: { Authorization: 'Basic dXNlcjpwYXNz', 'x-request-id': 'req-1' },
      tokenResponse: { access_token: 'at-value', token_type: 'Bearer', expires_in: 3600 },
      esim: {
        activationCode: 'ac-value',
        lpa: 'LPA:1$smdp.example$MATCHING',
        qrCode: 'data:image/png;base64,AAAA',
      },
      config: { webhookSecrets: ['wh-current', 'wh-previous'], secret: 'plain-secret', password: 'pw-value' },
      list: [{ webhookSecret: 'wh-in-list' }, { 'x-api-key': 'api-key-value' }],
    });

    const raw = logs.raw();
    for (const value of [
      'cs-value',
      'dXNlcjpwYXNz',
      'at-value',
      'ac-value',
      'MATCHING',
      'AAAA',
      'wh-current',
      'wh-previous',
      'plain-secret',
      'pw-value',
      'wh-in-list',
      'api-key-value',
    ]) {
      expect(raw).not.toContain(value);
    }
    const [line] = logs.lines();
    expect(line).toMatchObject({
      message: 'calling Transatel',
      service: defaultServiceName,
      credentials: { clientId: 'client-1', clientSecret: REDACTED },
      headers: { Authorization: REDACTED, 'x-request-id': 'req-1' },
      tokenResponse: { access_token: REDACTED, token_type: 'Bearer', expires_in: 3600 },
      config: { webhookSecrets: REDACTED },
    });
  });

  it('redacts credential-looking values under innocent keys', () => {
    logger.warn('odd values', {
      header: 'Bearer eyJhbGciOi.payload.sig',
      code: 'LPA:1$smdp$abc',
      note: 'Basic checks passed',
    });
    const [line] = logs.lines();
    expect(line).toMatchObject({ header: `Bearer ${REDACTED}`, code: REDACTED, note: 'Basic checks passed' });
  });

  it('still prints errors with their message', () => {
    logger.error('failed', new Error('boom'));
    const [line] = logs.lines();
    expect(line).toMatchObject({ message: 'failed', error: { name: 'Error', message: 'boom' } });
  });

  it.each([
    ['clientSecret', true],
    ['client_secret', true],
    ['access_token', true],
    ['refreshToken', true],
    ['authorization', true],
    ['activationCode', true],
    ['webhookSecret', true],
    ['webhookSecrets', true],
    ['password', true],
    ['secret', true],
    ['clientId', false],
    ['iccid', false],
    ['orderId', false],
    ['tokenType', false],
    ['TRANSATEL_SECRET_ID', false],
  ])('isSensitiveKey(%s) is %s', (key, expected) => {
    expect(isSensitiveKey(key)).toBe(expected);
  });

  it('leaves the root and ordinary values alone', () => {
    const root = { a: 1 };
    expect(redactSensitive('', root)).toBe(root);
    expect(redactSensitive('status', 'ACTIVE')).toBe('ACTIVE');
  });
});

describe('order log context', () => {
  it('appends orderId and iccid, and removes them', () => {
    appendOrderContext({ orderId: '01ORDER', iccid: '8933000000000000001' }, logger);
    logger.info('with context');
    removeOrderContext(logger);
    logger.info('without context');

    const [withContext, withoutContext] = logs.lines();
    expect(withContext).toMatchObject({ orderId: '01ORDER', iccid: '8933000000000000001' });
    expect(withoutContext).not.toHaveProperty('orderId');
    expect(withoutContext).not.toHaveProperty('iccid');
  });

  it('skips absent identifiers', () => {
    appendOrderContext({ orderId: undefined, iccid: '8933000000000000001' }, logger);
    logger.info('partial');
    expect(logs.lines()[0]).not.toHaveProperty('orderId');
    expect(logs.lines()[0]).toHaveProperty('iccid', '8933000000000000001');
  });

  it('scopes keys to a unit of work, even when it throws', async () => {
    await expect(
      withLogContext(
        { messageId: 'm-1', orderId: '01ORDER' },
        async () => {
          logger.info('inside');
          throw new Error('fail');
        },
        logger,
      ),
    ).rejects.toThrow('fail');
    logger.info('outside');
    const [inside, outside] = logs.lines();
    expect(inside).toMatchObject({ messageId: 'm-1', orderId: '01ORDER' });
    expect(outside).not.toHaveProperty('messageId');
    expect(outside).not.toHaveProperty('orderId');
  });
});
