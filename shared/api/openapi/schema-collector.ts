import { iccidSchema } from '#shared/transatel/identifiers.js';
import * as z from '#shared/zod.js';
import type { Io, JsonSchema } from './json-schema.js';

const REF_PREFIX = 'zod-ref:';

/**
 * Converts zod schemas with `z.toJSONSchema` and gathers every schema with a `.meta({ id })` into
 * components. Refs are placeholders until `components()` knows whether an id's request (input) and
 * response (output) forms differ: if they do, the request form is named `<id>Input`.
 */
export class SchemaCollector {
  readonly #defs = new Map<string, Partial<Record<Io, JsonSchema>>>();

  convert(schema: z.core.$ZodType, io: Io): JsonSchema {
    const converted = z.toJSONSchema(schema, {
      target: 'draft-2020-12',
      io,
      unrepresentable: 'throw',
      override: (ctx) => {
        // The ICCID check is a refinement (Luhn), which JSON Schema cannot carry: show its shape at least.
        if (isMetadataCopyOf(ctx.zodSchema, iccidSchema)) ctx.jsonSchema.pattern = '^[0-9]{19,20}$';
      },
    }) as JsonSchema;
    const { $schema: _dialect, $defs, ...root } = converted;
    for (const [id, def] of Object.entries(($defs ?? {}) as Record<string, JsonSchema>)) {
      const forms = this.#defs.get(id) ?? {};
      const rewritten = rewriteRefs(def, io) as JsonSchema;
      const known = forms[io];
      if (known && JSON.stringify(known) !== JSON.stringify(rewritten)) {
        throw new Error(`Two different zod schemas carry the id '${id}'`);
      }
      forms[io] = rewritten;
      this.#defs.set(id, forms);
    }
    return rewriteRefs(root, io) as JsonSchema;
  }

  /** Component names by placeholder, and the components themselves. */
  finish(): { names: Map<string, string>; schemas: Record<string, JsonSchema> } {
    const names = new Map<string, string>();
    const schemas: Record<string, JsonSchema> = {};
    for (const [id, forms] of [...this.#defs].sort(([a], [b]) => a.localeCompare(b))) {
      const { input, output } = forms;
      const same = input && output && JSON.stringify(input) === JSON.stringify(output);
      if (output) {
        names.set(placeholder(id, 'output'), id);
        schemas[id] = output;
      }
      if (input) {
        const name = output && !same ? `${id}Input` : id;
        names.set(placeholder(id, 'input'), name);
        schemas[name] = input;
      }
    }
    return { names, schemas };
  }
}

const metadataChecks: ReadonlySet<string> = new Set(['meta', 'describe']);

/**
 * Whether `schema` is `target` itself or a copy of it that only adds metadata: `.check(z.meta(...))`
 * makes a child schema with a new def (classic `.meta()` kept the def), so follow the parent chain
 * as long as each step adds nothing but metadata checks.
 */
function isMetadataCopyOf(schema: z.core.$ZodType, target: z.core.$ZodType): boolean {
  let current: z.core.$ZodType | undefined = schema;
  while (current) {
    if (current._zod.def === target._zod.def) return true;
    const parent: z.core.$ZodType | undefined = current._zod.parent;
    if (!parent || parent._zod.def.type !== current._zod.def.type) return false;
    const own = current._zod.def.checks ?? [];
    const inherited = parent._zod.def.checks ?? [];
    const onlyAddsMetadata =
      own.length >= inherited.length &&
      inherited.every((check, index) => own[index] === check) &&
      own.slice(inherited.length).every((check) => metadataChecks.has(check._zod.def.check));
    if (!onlyAddsMetadata) return false;
    current = parent;
  }
  return false;
}

export function placeholder(id: string, io: Io): string {
  return `${REF_PREFIX}${io}:${id}`;
}

function rewriteRefs(value: unknown, io: Io): unknown {
  if (Array.isArray(value)) return value.map((item) => rewriteRefs(item, io));
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) => {
      if (key === '$ref' && typeof inner === 'string' && inner.startsWith('#/$defs/')) {
        return [key, placeholder(decodeURIComponent(inner.slice('#/$defs/'.length)), io)];
      }
      return [key, rewriteRefs(inner, io)];
    }),
  );
}

export function resolvePlaceholders(value: unknown, names: Map<string, string>): unknown {
  if (Array.isArray(value)) return value.map((item) => resolvePlaceholders(item, names));
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) => {
      if (key === '$ref' && typeof inner === 'string' && inner.startsWith(REF_PREFIX)) {
        const name = names.get(inner);
        if (!name) throw new Error(`No component for ${inner}`);
        return [key, `#/components/schemas/${name}`];
      }
      return [key, resolvePlaceholders(inner, names)];
    }),
  );
}
