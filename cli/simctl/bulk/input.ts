import { readFile } from 'node:fs/promises';
import { bulkSimSchema } from '#shared/api/schemas.js';
import { requiredFieldErrorMap, toFieldIssues } from '#shared/lambda/field-issues.js';
import { CsvSyntaxError, parseCsv } from '../csv.js';
import { CliError, UsageError } from '../io.js';

/** One SIM of a bulk activation, as sent in `POST /v1/activations`. */
export interface BulkSim {
  iccid: string;
  planId?: string;
  reference?: string;
  group?: string;
}

export interface InvalidRow {
  line: number;
  iccid: string;
  problem: string;
}

export interface BulkRow {
  line: number;
  sim: BulkSim;
}

export interface BulkInput {
  sims: BulkRow[];
  invalid: InvalidRow[];
}

const COLUMNS = ['iccid', 'planid', 'reference', 'group'] as const;
type Column = (typeof COLUMNS)[number];

/** Header cells, case-insensitively; `plan` is accepted for `planId`. */
function columnOf(cell: string): Column | undefined {
  const name = cell.trim().toLowerCase();
  if (name === 'plan') return 'planid';
  return (COLUMNS as readonly string[]).includes(name) ? (name as Column) : undefined;
}

/**
 * Reads `iccid[,planId,reference,group]` rows (with that header, in any order, or without a header in
 * that order) and checks every SIM as the API would, so that bad rows are reported and never sent.
 */
export async function readBulkCsv(path: string, defaultPlanId: string | undefined): Promise<BulkInput> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new CliError(`cannot read ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
  let records: ReturnType<typeof parseCsv>;
  try {
    records = parseCsv(text);
  } catch (error) {
    if (error instanceof CsvSyntaxError) throw new CliError(`${path}: ${error.message}`);
    throw error;
  }

  const first = records[0]?.fields ?? [];
  const hasHeader = first.some((cell) => cell.trim().toLowerCase() === 'iccid');
  let columns: (Column | undefined)[] = [...COLUMNS];
  if (hasHeader) {
    columns = first.map(columnOf);
    const unknown = first.filter((_, index) => columns[index] === undefined);
    if (unknown.length > 0) {
      throw new UsageError(
        `${path}: unknown column(s) ${unknown.join(', ')}; expected iccid[,planId,reference,group]`,
      );
    }
    records.shift();
  }

  const sims: BulkRow[] = [];
  const invalid: InvalidRow[] = [];
  const seen = new Map<string, number>();
  for (const { line, fields } of records) {
    const row: Partial<Record<Column, string>> = {};
    fields.forEach((value, index) => {
      const column = columns[index];
      if (column && value.trim() !== '') row[column] = value.trim();
    });
    const iccid = row.iccid ?? '';
    if (fields.length > columns.length) {
      invalid.push({ line, iccid, problem: `${fields.length} fields, expected at most ${columns.length}` });
      continue;
    }
    const candidate = {
      iccid,
      ...((row.planid ?? defaultPlanId) === undefined ? {} : { planId: row.planid ?? defaultPlanId }),
      ...(row.reference === undefined ? {} : { reference: row.reference }),
      ...(row.group === undefined ? {} : { group: row.group }),
    };
    const parsed = bulkSimSchema.safeParse(candidate, { error: requiredFieldErrorMap });
    if (!parsed.success) {
      const problem = toFieldIssues(parsed.error)
        .map((issue) => `${issue.path}: ${issue.message}`)
        .join('; ');
      invalid.push({ line, iccid, problem });
      continue;
    }
    const previous = seen.get(iccid);
    if (previous !== undefined) {
      invalid.push({ line, iccid, problem: `duplicate of line ${previous}` });
      continue;
    }
    seen.set(iccid, line);
    sims.push({ line, sim: candidate });
  }
  return { sims, invalid };
}
