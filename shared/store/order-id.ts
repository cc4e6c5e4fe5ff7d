import { randomBytes } from 'node:crypto';
import * as z from '../zod.js';

/**
 * Order ids are ULIDs: 26 Crockford base32 characters, a 48-bit millisecond timestamp then 80
 * random bits, so ids sort by creation time. Ids made in the same millisecond by this process
 * increase monotonically (the random part is incremented), so a bulk request's orders keep their order.
 */

const crockford = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const randomBits = 80n;
const maxRandom = (1n << randomBits) - 1n;

export const orderIdSchema = z.string().check(z.regex(/^[0-7][0-9A-HJKMNP-TV-Z]{25}$/, 'must be a ULID'));
export type OrderId = z.output<typeof orderIdSchema>;

function encode(value: bigint, length: number): string {
  let remaining = value;
  let encoded = '';
  for (let index = 0; index < length; index += 1) {
    encoded = crockford[Number(remaining & 31n)] + encoded;
    remaining >>= 5n;
  }
  return encoded;
}

let lastTime = -1;
let lastRandom = 0n;

export function newOrderId(now: number = Date.now()): OrderId {
  if (now <= lastTime && lastRandom < maxRandom) {
    lastRandom += 1n;
  } else {
    lastTime = now;
    lastRandom = BigInt(`0x${randomBytes(10).toString('hex')}`);
  }
  return encode(BigInt(lastTime), 10) + encode(lastRandom, 16);
}

/** The creation time encoded in an order id. */
export function orderIdTime(orderId: OrderId): Date {
  let time = 0;
  for (const char of orderId.slice(0, 10)) time = time * 32 + crockford.indexOf(char);
  return new Date(time);
}
