import * as z from '../zod.js';

/** Luhn (mod 10) check digit for a string of digits, as used by ICCIDs (ITU-T E.118). */
export function luhnCheckDigit(payload: string): string {
  let sum = 0;
  for (let i = 0; i < payload.length; i++) {
    // Double every second digit, starting from the rightmost digit of the payload.
    let digit = payload.charCodeAt(payload.length - 1 - i) - 48;
    if (i % 2 === 0) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return String((10 - (sum % 10)) % 10);
}

export function hasValidLuhn(digits: string): boolean {
  return digits.length >= 2 && luhnCheckDigit(digits.slice(0, -1)) === digits.slice(-1);
}

const DIGITS = /^[0-9]+$/;

/** Why an ICCID is refused, or null when it is valid (19-20 digits, Luhn check digit). */
export function iccidProblem(value: string): string | null {
  if (!DIGITS.test(value)) return 'ICCID must contain digits only';
  if (value.length < 19 || value.length > 20) return 'ICCID must be 19 or 20 digits long';
  if (!hasValidLuhn(value)) return 'ICCID check digit (Luhn) is wrong';
  return null;
}

export function isValidIccid(value: string): boolean {
  return iccidProblem(value) === null;
}

export const iccidSchema = z.string().check(
  z.superRefine((value, ctx) => {
    const problem = iccidProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  }),
);

/** MSISDN as OCS wants it: 6-15 digits, international form without '+' or '00'. */
export function msisdnProblem(value: string): string | null {
  if (value.startsWith('+')) return "MSISDN must not start with '+' (send digits only)";
  if (!DIGITS.test(value)) return 'MSISDN must contain digits only';
  if (value.length < 6 || value.length > 15) return 'MSISDN must be 6 to 15 digits long';
  if (value.startsWith('0')) return "MSISDN must be in international form (no leading '0' or '00')";
  return null;
}

export function isValidMsisdn(value: string): boolean {
  return msisdnProblem(value) === null;
}

export const msisdnSchema = z.string().check(
  z.superRefine((value, ctx) => {
    const problem = msisdnProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  }),
);

/** Turns '+33 6 12-34 56 78' or '0033612345678' into '33612345678'; returns null when no valid MSISDN remains. */
export function normalizeMsisdn(raw: string): string | null {
  let digits = raw.replace(/[\s\-().]/g, '');
  if (digits.startsWith('+')) digits = digits.slice(1);
  else if (digits.startsWith('00')) digits = digits.slice(2);
  return isValidMsisdn(digits) ? digits : null;
}

/** ISO 3166-1 alpha-2 country code, upper case. */
export const countryCodeSchema = z.pipe(
  z.string().check(z.regex(/^[A-Za-z]{2}$/, 'must be an ISO 3166-1 alpha-2 country code such as FR')),
  z.transform((value) => value.toUpperCase()),
);
