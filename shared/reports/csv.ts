/** RFC 4180 CSV: CRLF line ends, a field quoted when it holds a comma, a quote, CR or LF (quotes doubled). */

export type CsvValue = string | number | boolean | undefined;

const NEEDS_QUOTES = /[",\r\n]/;

export function csvField(value: CsvValue): string {
  if (value === undefined) return '';
  const text = String(value);
  // A leading =, +, - or @ is left as it is: the figures (negative ones included) must stay numbers.
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function csvLine(values: readonly CsvValue[]): string {
  return `${values.map(csvField).join(',')}\r\n`;
}

/** A header line, then one line per row, the columns in the header's order. */
export function toCsv<Row extends Record<string, CsvValue>>(
  columns: readonly (keyof Row & string)[],
  rows: Iterable<Row>,
): string {
  let text = csvLine(columns);
  for (const row of rows) text += csvLine(columns.map((column) => row[column]));
  return text;
}
