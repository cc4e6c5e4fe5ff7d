/**
 * RFC 4180 CSV: fields separated by commas, optionally in double quotes (a quote inside doubled),
 * quoted fields may hold commas and line breaks; records end with CRLF or LF. A UTF-8 BOM is ignored.
 */

export class CsvSyntaxError extends Error {
  override readonly name = 'CsvSyntaxError';
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(`line ${line}: ${message}`);
  }
}

export interface CsvRecord {
  /** 1-based line where the record starts. */
  line: number;
  fields: string[];
}

export function parseCsv(text: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  const input = text.startsWith('\uFEFF') ? text.slice(1) : text;
  let fields: string[] = [];
  let field = '';
  let line = 1;
  let recordLine = 1;
  let index = 0;
  let atFieldStart = true;

  const endRecord = () => {
    fields.push(field);
    // A blank line is not a record.
    if (!(fields.length === 1 && fields[0] === '')) records.push({ line: recordLine, fields });
    fields = [];
    field = '';
    atFieldStart = true;
  };

  while (index < input.length) {
    const char = input[index] as string;
    if (atFieldStart && char === '"') {
      const start = line;
      index += 1;
      for (;;) {
        if (index >= input.length) throw new CsvSyntaxError('unterminated quoted field', start);
        const inner = input[index] as string;
        if (inner === '"') {
          if (input[index + 1] === '"') {
            field += '"';
            index += 2;
            continue;
          }
          index += 1;
          break;
        }
        if (inner === '\n') line += 1;
        field += inner;
        index += 1;
      }
      const next = input[index];
      if (next !== undefined && next !== ',' && next !== '\n' && next !== '\r') {
        throw new CsvSyntaxError('unexpected character after a closing quote', line);
      }
      atFieldStart = false;
      continue;
    }
    if (char === ',') {
      fields.push(field);
      field = '';
      atFieldStart = true;
      index += 1;
    } else if (char === '\r' || char === '\n') {
      endRecord();
      index += char === '\r' && input[index + 1] === '\n' ? 2 : 1;
      line += 1;
      recordLine = line;
    } else {
      if (char === '"') throw new CsvSyntaxError('a quote inside an unquoted field', line);
      field += char;
      atFieldStart = false;
      index += 1;
    }
  }
  if (field !== '' || fields.length > 0) endRecord();
  return records;
}

function quote(field: string): string {
  return /[",\r\n]/.test(field) || field !== field.trim() ? `"${field.replaceAll('"', '""')}"` : field;
}

export function formatCsv(rows: readonly (readonly (string | number | undefined)[])[]): string {
  return rows
    .map((row) => `${row.map((cell) => quote(cell === undefined ? '' : String(cell))).join(',')}\r\n`)
    .join('');
}
