/** What every part hands back: its tables, each figure with how it was measured, and its target checks. */

export interface Table {
  title: string;
  columns: string[];
  rows: string[][];
  /** One line each: how the figures were measured, and what they mean. */
  notes?: string[];
}

export interface TargetCheck {
  target: string;
  measured: string;
  /**
   * undefined: reported, no pass/fail (e.g. a figure the issue only asks to show). 'not measured': a target
   * this run could not check (what it lacked is in `measured`), so that it never passes silently.
   */
  pass: boolean | undefined | 'not measured';
}

export interface PartResult {
  part: string;
  tables: Table[];
  targets: TargetCheck[];
  /** Things found in the product code while measuring (causes of missed targets, surprises). */
  findings?: string[];
  seconds: number;
}

function escapeCell(cell: string): string {
  return cell.replaceAll('|', '\\|').replaceAll('\n', ' ');
}

/** A GitHub-flavoured markdown table, columns padded so it also reads well in a terminal. */
export function renderTable(table: Table): string {
  const rows = [table.columns, ...table.rows].map((row) => row.map(escapeCell));
  const widths = table.columns.map((_, i) => Math.max(3, ...rows.map((row) => (row[i] ?? '').length)));
  const numeric = table.columns.map(
    (_, i) =>
      table.rows.length > 0 &&
      table.rows.every((row) => /^[-+]?[\d.,]+( ?[%×x]|[a-zA-Z ]*)?$/.test(row[i] ?? '')),
  );
  const line = (row: string[]) =>
    `| ${row.map((cell, i) => (numeric[i] ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0))).join(' | ')} |`;
  const separator = `| ${widths.map((width, i) => (numeric[i] ? `${'-'.repeat(width - 1)}:` : '-'.repeat(width))).join(' | ')} |`;
  const [header = [], ...body] = rows;
  const out = [`### ${table.title}`, '', line(header), separator, ...body.map(line)];
  if (table.notes?.length) out.push('', ...table.notes.map((note) => `- ${note}`));
  return out.join('\n');
}

function passCell(pass: TargetCheck['pass']): string {
  if (pass === undefined) return 'n/a';
  if (pass === 'not measured') return 'NOT MEASURED';
  return pass ? 'PASS' : 'FAIL';
}

export function renderTargets(targets: readonly TargetCheck[]): string {
  return renderTable({
    title: 'Summary: targets',
    columns: ['target', 'measured', 'pass'],
    rows: targets.map((t) => [t.target, t.measured, passCell(t.pass)]),
  });
}

export function renderPart(result: PartResult): string {
  const out = result.tables.map(renderTable);
  if (result.findings?.length) {
    out.push(['Findings:', ...result.findings.map((finding) => `- ${finding}`)].join('\n'));
  }
  return out.join('\n\n');
}

// --- number formatting ---

export function fmtInt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

export function fmtMs(ms: number, digits = ms < 10 ? 2 : 1): string {
  return `${ms.toFixed(digits)} ms`;
}

export function fmtKb(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KB`;
}

export function fmtRatio(ratio: number): string {
  return `${ratio.toFixed(2)}×`;
}

export function fmtPct(fraction: number): string {
  return `${(fraction * 100).toFixed(1)} %`;
}
