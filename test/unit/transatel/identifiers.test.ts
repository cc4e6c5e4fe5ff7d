import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  hasValidLuhn,
  iccidProblem,
  iccidSchema,
  isValidIccid,
  isValidMsisdn,
  luhnCheckDigit,
  msisdnSchema,
  normalizeMsisdn,
} from '#shared/transatel/identifiers.js';

const digitString = (min: number, max: number) =>
  fc
    .array(fc.constantFrom(...'0123456789'), { minLength: min, maxLength: max })
    .map((digits) => digits.join(''));

/** A well-formed ICCID: 18 or 19 digits of payload, then its Luhn check digit. */
const validIccid = digitString(18, 19).map((payload) => payload + luhnCheckDigit(payload));

describe('ICCID validator', () => {
  it('accepts known-good ICCIDs', () => {
    expect(isValidIccid('8988247000148411086')).toBe(true); // seen in Transatel examples
    expect(isValidIccid('89882470000000000003')).toBe(hasValidLuhn('89882470000000000003'));
  });

  it('accepts every 19-20 digit string with a correct check digit', () => {
    fc.assert(
      fc.property(validIccid, (iccid) => isValidIccid(iccid) && iccidSchema.safeParse(iccid).success),
    );
  });

  it('rejects any single changed digit (Luhn catches every single-digit error)', () => {
    fc.assert(
      fc.property(validIccid, fc.nat(), fc.integer({ min: 1, max: 9 }), (iccid, rawIndex, delta) => {
        const index = rawIndex % iccid.length;
        const changed = String((Number(iccid[index]) + delta) % 10);
        const mutated = iccid.slice(0, index) + changed + iccid.slice(index + 1);
        return !isValidIccid(mutated) && iccidProblem(mutated) === 'ICCID check digit (Luhn) is wrong';
      }),
    );
  });

  it('rejects wrong lengths whatever the check digit', () => {
    fc.assert(
      fc.property(
        fc.oneof(digitString(1, 17), digitString(21, 30)),
        (payload) => !isValidIccid(payload + luhnCheckDigit(payload)),
      ),
    );
  });

  it('rejects anything with a non-digit and never throws', () => {
    fc.assert(
      fc.property(fc.string(), (value) => {
        const valid = isValidIccid(value);
        if (!/^[0-9]+$/.test(value)) return !valid;
        return valid === (value.length >= 19 && value.length <= 20 && hasValidLuhn(value));
      }),
    );
  });

  it('names the problem in the zod issue', () => {
    const result = iccidSchema.safeParse('8988247000148411087');
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toMatch(/Luhn/);
  });
});

describe('MSISDN validator', () => {
  const validMsisdn = fc
    .tuple(fc.constantFrom(...'123456789'), digitString(5, 14))
    .map(([first, rest]) => first + rest);

  it('accepts 6-15 digits in international form', () => {
    fc.assert(
      fc.property(validMsisdn, (msisdn) => isValidMsisdn(msisdn) && msisdnSchema.safeParse(msisdn).success),
    );
  });

  it("rejects a leading '+', a leading 0 and bad lengths", () => {
    fc.assert(fc.property(validMsisdn, (msisdn) => !isValidMsisdn(`+${msisdn}`)));
    fc.assert(fc.property(digitString(5, 14), (digits) => !isValidMsisdn(`0${digits}`)));
    fc.assert(fc.property(digitString(0, 5), (digits) => !isValidMsisdn(digits)));
    fc.assert(fc.property(digitString(16, 25), (digits) => !isValidMsisdn(digits)));
    expect(msisdnSchema.safeParse('+33612345678').error?.issues[0]?.message).toMatch(/'\+'/);
  });

  it('never accepts a string with a non-digit', () => {
    fc.assert(fc.property(fc.string(), (value) => !isValidMsisdn(value) || /^[1-9][0-9]{5,14}$/.test(value)));
  });

  it('normalises +, 00 and separators away, and refuses what remains invalid', () => {
    expect(normalizeMsisdn('+33 6 12-34 56 78')).toBe('33612345678');
    expect(normalizeMsisdn('0033612345678')).toBe('33612345678');
    expect(normalizeMsisdn('+12')).toBeNull();
    fc.assert(fc.property(validMsisdn, (msisdn) => normalizeMsisdn(`+${msisdn}`) === msisdn));
  });
});
