import { lazy } from '../lazy.js';
import * as z from '../zod.js';

/** RFC 7807 problem as Transatel sends it; every field optional because gateways send less. */
export const transatelProblemSchema = lazy(() =>
  z.looseObject({
    type: z.optional(z.string()),
    title: z.optional(z.string()),
    status: z.optional(z.coerce.number()),
    detail: z.optional(z.string()),
    path: z.optional(z.string()),
    // OAuth2 token errors (RFC 6749 §5.2) use these instead.
    error: z.optional(z.string()),
    error_description: z.optional(z.string()),
  }),
);

export interface ParsedProblem {
  title: string | undefined;
  detail: string | undefined;
}

export function parseProblem(text: string): ParsedProblem {
  if (!text) return { title: undefined, detail: undefined };
  try {
    const parsed = transatelProblemSchema().safeParse(JSON.parse(text));
    if (parsed.success) {
      return {
        title: parsed.data.title ?? parsed.data.error,
        detail: parsed.data.detail ?? parsed.data.error_description,
      };
    }
  } catch {
    // not JSON: an HTML error page from a proxy, say
  }
  return { title: undefined, detail: text.slice(0, 200) };
}
