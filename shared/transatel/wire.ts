import * as z from '../zod.js';

/**
 * Reading Transatel's answers as a tolerant reader: a flow requires only the fields it cannot go on
 * without. A field that is optional or only inferred (see docs/transatel.md), when absent or of another
 * shape, is dropped and the flow goes on; the first such drift of each field path in a process is
 * reported as a warning, so a change at Transatel shows in the logs without flooding them.
 */

export type DriftSink = (message: string, attributes: Record<string, unknown>) => void;

let driftSink: DriftSink = () => {};
const reportedPaths = new Set<string>();

/** Where drift warnings go (the client's logger, set by TransatelHttp). */
export function setDriftSink(sink: DriftSink): void {
  driftSink = sink;
}

/** Warns once per field path and process that an answer did not have the shape we read. */
export function reportDrift(path: string, issue: string): void {
  if (reportedPaths.has(path)) return;
  reportedPaths.add(path);
  driftSink('Transatel answer differs from the expected shape; the field is ignored', { path, issue });
}

/** Tests only: forget which paths were reported. */
export function resetDriftReports(): void {
  reportedPaths.clear();
}

function firstIssue(error: { issues: readonly z.core.$ZodIssue[] }): string {
  const issue = error.issues[0];
  return issue ? `${issue.path.join('.') || '(value)'}: ${issue.message}` : 'unreadable';
}

/** An optional field read tolerantly: absent reads as undefined, another shape too (with a warning). */
export function tolerant<T extends z.core.$ZodType>(path: string, schema: T) {
  return z.catch(z.optional(schema), (ctx) => {
    reportDrift(path, firstIssue(ctx.error));
    return undefined;
  });
}

/** An optional text field: absent, null and "" all read as undefined. */
export const optionalString = z.pipe(
  z.nullish(z.string()),
  z.transform((value) => value || undefined),
);

/** An optional text field read tolerantly: a number is taken as its text, any other shape dropped. */
export function tolerantString(path: string) {
  return tolerant(
    path,
    z.pipe(
      z.nullish(z.union([z.string(), z.number()])),
      z.transform((value) =>
        value === null || value === undefined || value === '' ? undefined : String(value),
      ),
    ),
  );
}

/**
 * A list read tolerantly: an array, or a single item where a list was expected (tenants differ); items
 * that do not parse are dropped with a warning.
 */
export function tolerantList<Item extends z.core.$ZodType>(path: string, item: Item) {
  // The default makes an absent key read as an empty list (a pipe alone would be a required key).
  return z._default(listOf(path, item), []);
}

function listOf<Item extends z.core.$ZodType>(path: string, item: Item) {
  return z.pipe(
    z.unknown(),
    z.transform((value): z.output<Item>[] => {
      if (value === undefined || value === null) return [];
      const entries: unknown[] = Array.isArray(value) ? value : [value];
      const items: z.output<Item>[] = [];
      for (const entry of entries) {
        const parsed = z.safeParse(item, entry);
        if (parsed.success) items.push(parsed.data);
        else reportDrift(`${path}[]`, firstIssue(parsed.error));
      }
      return items;
    }),
  );
}

/**
 * A list answer `{ <key>: [item, ...] }` read as the items, tolerantly: a missing list reads as empty, a
 * single object as a list of one, a malformed item is skipped. The OCS APIs wrap their lists this way
 * (`products`, `productSubscriptions`).
 */
export function wrappedList<Item extends z.core.$ZodType>(key: string, item: Item) {
  return z.pipe(
    z.looseObject({ [key]: tolerantList(key, item) }),
    z.transform((wire) => wire[key] as z.output<Item>[]),
  );
}

/** One item, as tenants differ in sending it: alone, or wrapped like a list of exactly one. */
export function singleOrWrapped<Item extends z.core.$ZodType>(key: string, item: Item) {
  return z.union([
    item,
    z.pipe(
      z.looseObject({ [key]: z.array(item).check(z.length(1)) }),
      z.transform((wire) => (wire[key] as z.output<Item>[])[0] as z.output<Item>),
    ),
  ]);
}

/**
 * An answer whose body we never require: any JSON (or none) reads as the object's fields where they
 * parse, each dropped otherwise. For writes, whose 2xx means "accepted" whatever the body says.
 */
export function totalObject<Shape extends z.core.$ZodLooseShape>(path: string, shape: Shape) {
  const object = z.looseObject(shape);
  return z.pipe(
    z.unknown(),
    z.transform((value): z.output<typeof object> => {
      const input = value !== null && typeof value === 'object' && !Array.isArray(value) ? value : {};
      if (value !== undefined && input !== value) reportDrift(path, 'body is not a JSON object');
      const parsed = z.safeParse(object, input);
      if (parsed.success) return parsed.data;
      // Every field of a total object is tolerant, so this is unreachable; keep the flow going anyway.
      reportDrift(path, firstIssue(parsed.error));
      return z.parse(object, {});
    }),
  );
}
