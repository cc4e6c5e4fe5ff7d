import type * as z from 'zod';
import { badRequest } from './problem.js';

function fieldName(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : `${out ? '.' : ''}${String(p)}`;
  return out;
}

/** Validates with zod; a failure becomes a 400 BAD_REQUEST problem naming the first bad field. */
export function parseWith<S extends z.ZodType>(
  schema: S,
  value: unknown,
  what: 'body' | 'query',
): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  if (!issue) throw badRequest(`Invalid request ${what}`);
  const field = fieldName(issue.path);
  throw badRequest(
    field ? `Invalid field '${field}': ${issue.message}` : `Invalid request ${what}: ${issue.message}`,
  );
}

/** Query string to a plain object; `repeatable` names always map to string arrays. */
export function queryObject(
  query: URLSearchParams,
  repeatable: readonly string[] = [],
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of new Set(query.keys())) {
    out[key] = repeatable.includes(key) ? query.getAll(key) : query.get(key);
  }
  return out;
}
