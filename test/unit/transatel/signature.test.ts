import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { signBody, verifySignature } from '#shared/transatel/webhooks/signature.js';

const body = JSON.stringify({
  header: { eventId: 'e-1', eventType: 'OCS/PRODUCT/ACTIVATED', eventDate: '2026-08-04T13:30:00Z' },
  body: { msisdn: '882470001850263' },
});
const current = 'whsec-current';
const previous = 'whsec-previous';

describe('X-TSL-Signature-256 verification', () => {
  it('accepts a valid signature computed the documented way', () => {
    const header = `sha256=${createHmac('sha256', current).update(body).digest('hex')}`;
    expect(signBody(body, current)).toBe(header);
    expect(verifySignature(body, header, [current, previous])).toEqual({ valid: true, secretIndex: 0 });
  });

  it('accepts the raw bytes as a Buffer, and upper-case hex', () => {
    const header = signBody(body, current)
      .replace(/[a-f]/g, (c) => c.toUpperCase())
      .replace('SHA256=', 'sha256=');
    expect(verifySignature(Buffer.from(body), header, [current]).valid).toBe(true);
  });

  it('accepts the previous secret during a rotation', () => {
    expect(verifySignature(body, signBody(body, previous), [current, previous])).toEqual({
      valid: true,
      secretIndex: 1,
    });
  });

  it('rejects a tampered body', () => {
    const header = signBody(body, current);
    expect(verifySignature(body.replace('263', '264'), header, [current])).toEqual({
      valid: false,
      reason: 'mismatch',
    });
    expect(verifySignature(`${body} `, header, [current]).valid).toBe(false);
  });

  it('rejects the wrong secret', () => {
    expect(verifySignature(body, signBody(body, 'someone-else'), [current, previous])).toEqual({
      valid: false,
      reason: 'mismatch',
    });
  });

  it('accepts the bare hex digest, without the sha256= prefix, in either case', () => {
    const hex = signBody(body, current).slice('sha256='.length);
    expect(verifySignature(body, hex, [current])).toEqual({ valid: true, secretIndex: 0 });
    expect(verifySignature(body, hex.toUpperCase(), [current])).toEqual({ valid: true, secretIndex: 0 });
    expect(verifySignature(body, hex, ['other'])).toEqual({ valid: false, reason: 'mismatch' });
  });

  it('rejects a missing or garbled header', () => {
    expect(verifySignature(body, undefined, [current])).toEqual({ valid: false, reason: 'missing-header' });
    expect(verifySignature(body, '', [current])).toEqual({ valid: false, reason: 'missing-header' });
    for (const garbled of [
      'sha256=',
      'sha256=xyz',
      'md5=abcd',
      'sha256=00',
      `${signBody(body, current)}00`,
    ]) {
      expect(verifySignature(body, garbled, [current])).toEqual({ valid: false, reason: 'malformed-header' });
    }
  });

  it('rejects everything when no secret is configured', () => {
    expect(verifySignature(body, signBody(body, ''), [])).toEqual({ valid: false, reason: 'no-secret' });
    expect(verifySignature(body, signBody(body, ''), [''])).toEqual({ valid: false, reason: 'no-secret' });
  });

  it('never accepts a random header, and never throws', () => {
    fc.assert(
      fc.property(fc.string(), fc.string({ minLength: 1 }), (header, secret) => {
        const result = verifySignature(body, header, [secret]);
        return !result.valid || header.trim().toLowerCase() === signBody(body, secret);
      }),
    );
  });

  it('round-trips for any body and secret', () => {
    fc.assert(
      fc.property(
        fc.string(),
        fc.string({ minLength: 1 }),
        (anyBody, secret) => verifySignature(anyBody, signBody(anyBody, secret), [secret]).valid,
      ),
    );
  });
});
