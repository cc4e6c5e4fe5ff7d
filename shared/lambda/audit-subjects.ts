import { iccidSchema } from '../transatel/identifiers.js';
import type { AuditedCall, AuditSubject } from './audit.js';

/**
 * Reading a call for its audit: the request as sent and the answer as given are untrusted JSON (a refused
 * request is audited too), so every value is checked and bounded before it goes into an entry.
 */

export function field(value: unknown, name: string): unknown {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)[name]
    : undefined;
}

/** A string field, cut to `max` characters; undefined when absent, empty or not a string. */
export function stringField(value: unknown, name: string, max = 200): string | undefined {
  const text = field(value, name);
  return typeof text === 'string' && text !== '' ? text.slice(0, max) : undefined;
}

export function arrayField(value: unknown, name: string): unknown[] {
  const list = field(value, name);
  return Array.isArray(list) ? list : [];
}

/** A well-formed ICCID (digits, length, Luhn), as the routes accept them. */
export function validIccid(value: unknown): string | undefined {
  const parsed = iccidSchema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

/** The value when its JSON is at most `maxChars` long: what a refused request sent may be anything. */
export function bounded(value: unknown, maxChars = 2_000): unknown {
  if (value === undefined) return undefined;
  const text = JSON.stringify(value);
  return text !== undefined && text.length <= maxChars ? value : undefined;
}

/** Without undefined fields; undefined when nothing is left. */
export function compact(record: Record<string, unknown>): Record<string, unknown> | undefined {
  const kept = Object.entries(record).filter(([, value]) => value !== undefined);
  return kept.length === 0 ? undefined : Object.fromEntries(kept);
}

/** `path: message` of a problem's field errors, a few of them. */
export function errorMessages(errors: readonly unknown[], max = 5): string[] {
  return errors.slice(0, max).flatMap((error) => {
    const path = stringField(error, 'path');
    const message = stringField(error, 'message', 300);
    return message === undefined ? [] : [path === undefined ? message : `${path}: ${message}`];
  });
}

/** The call's one SIM, named by the `{iccid}` of its path; none when that is not an ICCID. */
export function simOfPath(
  call: AuditedCall,
  summary: string,
  extra: Pick<AuditSubject, 'orderId' | 'details'> = {},
): AuditSubject[] {
  const iccid = validIccid(call.event.pathParameters?.iccid);
  if (iccid === undefined) return [];
  return [
    {
      iccid,
      summary,
      ...(extra.orderId === undefined ? {} : { orderId: extra.orderId }),
      ...(extra.details === undefined ? {} : { details: extra.details }),
    },
  ];
}
