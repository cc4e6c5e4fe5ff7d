import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-tsl-signature-256';
const PREFIX = 'sha256=';
const HEX_SHA256 = /^[0-9a-f]{64}$/i;

export type SignatureCheck =
  | { valid: true; secretIndex: number }
  | { valid: false; reason: 'missing-header' | 'malformed-header' | 'no-secret' | 'mismatch' };

/** `sha256=<lowercase hex HMAC-SHA256(secret, raw body)>`, as Transatel is seen to send it in X-TSL-Signature-256. */
export function signBody(rawBody: string | Uint8Array, secret: string): string {
  return PREFIX + createHmac('sha256', secret).update(rawBody).digest('hex');
}

/**
 * Checks the signature over the exact raw bytes, before anything parses them. Every secret is tried
 * (current first, then the previous one during a rotation), each comparison in constant time.
 */
export function verifySignature(
  rawBody: string | Uint8Array,
  header: string | null | undefined,
  secrets: readonly string[],
): SignatureCheck {
  if (header === undefined || header === null || header.trim() === '')
    return { valid: false, reason: 'missing-header' };
  const value = header.trim();
  // `sha256=<hex>` as documented by the integrations seen, or the bare hex digest as other senders write it.
  const hex = value.toLowerCase().startsWith(PREFIX) ? value.slice(PREFIX.length) : value;
  if (!HEX_SHA256.test(hex)) return { valid: false, reason: 'malformed-header' };
  const usable = secrets.filter((secret) => secret.length > 0);
  if (usable.length === 0) return { valid: false, reason: 'no-secret' };

  const received = Buffer.from(hex.toLowerCase(), 'hex');
  let match = -1;
  usable.forEach((secret, index) => {
    const expected = createHmac('sha256', secret).update(rawBody).digest();
    // Compare against every secret, not stopping early, so timing says nothing about which matched.
    if (timingSafeEqual(expected, received) && match === -1) match = index;
  });
  return match === -1 ? { valid: false, reason: 'mismatch' } : { valid: true, secretIndex: match };
}
