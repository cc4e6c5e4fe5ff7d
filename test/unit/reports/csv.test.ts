import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { csvField, csvLine, toCsv } from '#shared/reports/csv.js';

/** A small RFC 4180 reader, to check that what is written reads back as it was. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i] as string;
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      row.push(field);
      field = '';
    } else if (char === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i += 1;
    } else field += char;
  }
  return rows;
}

describe('CSV', () => {
  it('quotes only what needs it, and writes nothing for a missing value', () => {
    expect(csvLine(['a', 1, true, undefined, 'b,c', 'say "hi"', 'x\ny'])).toBe(
      'a,1,true,,"b,c","say ""hi""","x\ny"\r\n',
    );
    expect(csvField(-1)).toBe('-1');
  });

  it('writes a header, then the rows in the columns of the header', () => {
    expect(toCsv(['iccid', 'days'], [{ days: 3, iccid: '89' }, { iccid: '90' }])).toBe(
      'iccid,days\r\n89,3\r\n90,\r\n',
    );
  });

  it('reads back any table of strings as it was written', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.string({ unit: 'binary' }), { minLength: 2, maxLength: 2 }), { maxLength: 20 }),
        (cells) => {
          const rows = cells.map(([a, b]) => ({ a: a as string, b: b as string }));
          const text = toCsv(['a', 'b'], rows);
          expect(parseCsv(text)).toEqual([['a', 'b'], ...cells]);
        },
      ),
    );
  });
});
