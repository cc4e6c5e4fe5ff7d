import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CsvSyntaxError, formatCsv, parseCsv } from '#cli/simctl/csv.js';

const fieldsOf = (text: string) => parseCsv(text).map((record) => record.fields);

describe('simctl CSV (RFC 4180)', () => {
  it('reads quoted fields with commas, doubled quotes and line breaks; CRLF or LF; skips blank lines and a BOM', () => {
    const text = '\uFEFFiccid,reference\r\n1,"a, b"\r\n\r\n2,"say ""hi"""\n3,"two\nlines"\n4,\n';
    expect(parseCsv(text)).toEqual([
      { line: 1, fields: ['iccid', 'reference'] },
      { line: 2, fields: ['1', 'a, b'] },
      { line: 4, fields: ['2', 'say "hi"'] },
      { line: 5, fields: ['3', 'two\nlines'] },
      { line: 7, fields: ['4', ''] },
    ]);
    expect(fieldsOf('no,final,newline')).toEqual([['no', 'final', 'newline']]);
  });

  it('refuses malformed quoting with the line number', () => {
    expect(() => parseCsv('a\n"open')).toThrow(new CsvSyntaxError('unterminated quoted field', 2));
    expect(() => parseCsv('a\nb"c')).toThrow(/line 2: a quote inside an unquoted field/);
    expect(() => parseCsv('"a"b')).toThrow(/line 1: unexpected character after a closing quote/);
  });

  it('writes what it reads back, whatever the fields hold', () => {
    const field = fc.string({ unit: fc.constantFrom('a', 'Z', '9', ',', '"', '\r', '\n', ' ', 'é') });
    const rows = fc.array(fc.array(field, { minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 10 });
    fc.assert(
      fc.property(rows, (input) => {
        // A record of one empty field is a blank line, which readers skip.
        const meaningful = input.filter((row) => !(row.length === 1 && row[0] === ''));
        expect(fieldsOf(formatCsv(meaningful))).toEqual(meaningful);
      }),
    );
  });

  it('quotes only when needed and ends records with CRLF', () => {
    expect(
      formatCsv([
        ['iccid', 'failureDetail'],
        ['1', 'a, "b"'],
        ['2', undefined],
      ]),
    ).toBe('iccid,failureDetail\r\n1,"a, ""b"""\r\n2,\r\n');
  });
});
