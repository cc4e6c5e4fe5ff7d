import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CATEGORY_CODES,
  iccidFor,
  imsiFor,
  luhnCheckDigit,
  msisdnFor,
  parseIccid,
  SIM_CATEGORIES,
} from '#local/simulator/ids.js';

function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

describe('simulator identifiers', () => {
  it('computes the textbook Luhn digit', () => {
    expect(luhnCheckDigit('7992739871')).toBe('3');
    expect(luhnValid(`8944000000000000001${luhnCheckDigit('8944000000000000001')}`)).toBe(true);
  });

  it('lays out ICCID, MSISDN and IMSI per category', () => {
    expect(iccidFor('active', 7)).toMatch(/^898824720000000007[0-9]$/);
    expect(iccidFor('active', 7)).toHaveLength(19);
    expect(iccidFor('available-esim', 0).slice(0, 18)).toBe('898824701000000000');
    expect(msisdnFor('suspended', 12)).toBe('882473000000012');
    expect(imsiFor('terminated', 3)).toBe('208014000000003');
    expect(() => iccidFor('active', -1)).toThrow();
  });

  it('every ICCID is 19 digits, Luhn-valid and parses back to its slot', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...SIM_CATEGORIES),
        fc.integer({ min: 0, max: 999_999_999 }),
        (category, index) => {
          const iccid = iccidFor(category, index);
          expect(iccid).toMatch(/^8988247[0-9]{12}$/);
          expect(iccid.slice(7, 9)).toBe(CATEGORY_CODES[category]);
          expect(luhnValid(iccid)).toBe(true);
          expect(parseIccid(iccid)).toEqual({ category, index });
        },
      ),
    );
  });

  it('rejects an ICCID with a wrong check digit', () => {
    const iccid = iccidFor('preactivated', 5);
    const wrong = iccid.slice(0, -1) + String((Number(iccid.at(-1)) + 1) % 10);
    expect(parseIccid(wrong)).toBeUndefined();
  });
});
