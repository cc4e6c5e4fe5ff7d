import * as z from 'zod';

/** RFC 7807 problem as Transatel sends it; every field optional because gateways send less. */
export const transatelProblemSchema = z
  .object({
    type: z.string().optional(),
    title: z.string().optional(),
    status: z.coerce.number().optional(),
    detail: z.string().optional(),
    path: z.string().optional(),
    // OAuth2 token errors (RFC 6749 §5.2) use these instead.
    error: z.string().optional(),
    error_description: z.string().optional(),
  })
  .loose();

export interface ParsedProblem {
  title: string | undefined;
  detail: string | undefined;
}

export function parseProblem(text: string): ParsedProblem {
  if (!text) return { title: undefined, detail: undefined };
  try {
    const parsed = transatelProblemSchema.safeParse(JSON.parse(text));
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
