import type * as z from '../zod.js';

/** One validation problem, addressed by a readable path such as `body.sims[3].iccid`. */
export interface FieldIssue {
  path: string;
  message: string;
}

/**
 * Per-parse error map: a missing value reads "is required" instead of zod's
 * "Invalid input: expected string, received undefined". Schema-level messages still win.
 */
export const requiredFieldErrorMap: z.core.$ZodErrorMap = (issue) =>
  issue.code === 'invalid_type' && issue.input === undefined ? 'is required' : undefined;

export function formatFieldPath(prefix: string | undefined, path: readonly PropertyKey[]): string {
  let formatted = prefix ?? '';
  for (const segment of path) {
    if (typeof segment === 'number') {
      formatted += `[${segment}]`;
    } else {
      const name = typeof segment === 'symbol' ? String(segment) : segment;
      formatted += formatted === '' ? name : `.${name}`;
    }
  }
  return formatted === '' ? '(root)' : formatted;
}

/** Flattens zod issues into field issues; unknown keys become one issue per key. */
export function toFieldIssues(error: z.core.$ZodError, prefix?: string): FieldIssue[] {
  return error.issues.flatMap((issue): FieldIssue[] => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        path: formatFieldPath(prefix, [...issue.path, key]),
        message: 'is not allowed',
      }));
    }
    return [{ path: formatFieldPath(prefix, issue.path), message: issue.message }];
  });
}
