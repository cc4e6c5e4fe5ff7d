import * as z from 'zod';
import type { SimulatorCore } from '../core.js';
import { badRequest, ProblemError } from '../problem.js';
import type { Sim } from '../state.js';

export const MSISDN_PATTERN = /^[0-9]{6,15}$/;

/** A string field whose absence is reported as "is required" rather than a type error. */
export function requiredString(max?: number) {
  const s = z.string({
    error: (issue) => (issue.input === undefined ? 'is required' : 'must be a string'),
  });
  return (max ? s.max(max) : s).min(1, 'must not be empty');
}

/** OCS-style MSISDN parameter: digits only (a '+' is a BAD_REQUEST), unknown -> SUBSCRIBER_NOT_FOUND. */
export function requireSubscriberByMsisdn(
  core: SimulatorCore,
  msisdn: string,
  field: string,
  unknownDetail = 'Subscriber is unknown',
): Sim {
  if (!MSISDN_PATTERN.test(msisdn)) {
    throw badRequest(`Invalid field '${field}': must be 6 to 15 digits, without '+' or leading '00'`);
  }
  const sim = core.state.findByMsisdn(msisdn);
  if (!sim) throw new ProblemError(400, 'SUBSCRIBER_NOT_FOUND', unknownDetail);
  return sim;
}

export const booleanParam = z.enum(['true', 'false']).transform((v) => v === 'true');

export function localeOf(acceptLanguage: string | undefined): string {
  return acceptLanguage?.toLowerCase().startsWith('fr') ? 'fr' : 'en_US';
}
