import type { SimCategory, SimType } from './types.js';

const ICCID_PREFIX = '8988247';
const MSISDN_PREFIX = '88247';
const IMSI_PREFIX = '20801';

export const CATEGORY_CODES: Readonly<Record<SimCategory, string>> = {
  available: '00',
  'available-esim': '01',
  preactivated: '10',
  'preactivated-esim': '11',
  active: '20',
  'active-esim': '21',
  suspended: '30',
  'suspended-esim': '31',
  terminated: '40',
};

/** Categories in category-code order, i.e. the ICCID sort order. */
export const SIM_CATEGORIES: readonly SimCategory[] = (Object.keys(CATEGORY_CODES) as SimCategory[]).sort(
  (a, b) => CATEGORY_CODES[a].localeCompare(CATEGORY_CODES[b]),
);

const CATEGORY_BY_CODE = new Map<string, SimCategory>(SIM_CATEGORIES.map((c) => [CATEGORY_CODES[c], c]));

export function simTypeOf(category: SimCategory): SimType {
  return category.endsWith('-esim') ? 'esim' : 'physical';
}

/** Luhn (mod 10) check digit for a digit string. */
export function luhnCheckDigit(digits: string): string {
  let sum = 0;
  // The check digit will be appended, so the rightmost payload digit is the first one doubled.
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (d < 0 || d > 9) throw new Error(`luhnCheckDigit expects digits, got '${digits}'`);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return String((10 - (sum % 10)) % 10);
}

function checkIndex(index: number, max: number): void {
  if (!Number.isInteger(index) || index < 0 || index > max) {
    throw new Error(`SIM index must be an integer in 0..${max}, got ${index}`);
  }
}

/** 19-digit ICCID: '8988247' + 2-digit category code + 9-digit index + Luhn digit. Index is 0-based. */
export function iccidFor(category: SimCategory, index: number): string {
  checkIndex(index, 999_999_999);
  const payload = `${ICCID_PREFIX}${CATEGORY_CODES[category]}${String(index).padStart(9, '0')}`;
  return payload + luhnCheckDigit(payload);
}

/** 15-digit MSISDN without '+': '88247' + category code + 8-digit index. */
export function msisdnFor(category: SimCategory, index: number): string {
  checkIndex(index, 99_999_999);
  return `${MSISDN_PREFIX}${CATEGORY_CODES[category]}${String(index).padStart(8, '0')}`;
}

/** 15-digit IMSI: '20801' + category code + 8-digit index. */
export function imsiFor(category: SimCategory, index: number): string {
  checkIndex(index, 99_999_999);
  return `${IMSI_PREFIX}${CATEGORY_CODES[category]}${String(index).padStart(8, '0')}`;
}

export interface SimSlot {
  category: SimCategory;
  index: number;
}

/** Reverse of iccidFor; undefined when the ICCID is not one of ours (or its Luhn digit is wrong). */
export function parseIccid(iccid: string): SimSlot | undefined {
  const m = /^8988247([0-9]{2})([0-9]{9})([0-9])$/.exec(iccid);
  if (!m?.[1] || !m[2] || !m[3]) return undefined;
  const category = CATEGORY_BY_CODE.get(m[1]);
  if (!category || luhnCheckDigit(iccid.slice(0, -1)) !== m[3]) return undefined;
  return { category, index: Number(m[2]) };
}
