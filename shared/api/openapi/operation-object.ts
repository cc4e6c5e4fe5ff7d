import type { RouteSpec } from '#shared/topology.js';
import { SIGNATURE_HEADER } from '#shared/transatel/webhooks/signature.js';
import type * as z from '#shared/zod.js';
import type { JsonSchema } from './json-schema.js';
import { problemComponent } from './problems.js';
import type { SchemaCollector } from './schema-collector.js';
import { type OperationSpec, routeKey } from './spec.js';

/** One route's OpenAPI operation object: its parameters, request body, responses and security. */

/** Header schemas use lowercase names (as handlers see them); the document shows the usual spelling. */
const headerSpelling: Readonly<Record<string, string>> = {
  'idempotency-key': 'Idempotency-Key',
  [SIGNATURE_HEADER]: 'X-TSL-Signature-256',
};

function headerName(name: string): string {
  return headerSpelling[name] ?? name;
}

function parametersOf(
  collector: SchemaCollector,
  schema: z.core.$ZodType | undefined,
  location: 'path' | 'query' | 'header',
): JsonSchema[] {
  if (!schema) return [];
  const converted = collector.convert(schema, 'input');
  const properties = (converted.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((converted.required ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) => {
    const { description, ...propertySchema } = property;
    return {
      name: location === 'header' ? headerName(name) : name,
      in: location,
      required: location === 'path' || required.has(name),
      ...(typeof description === 'string' ? { description } : {}),
      schema: propertySchema,
    };
  });
}

function pathParameterNames(path: string): string[] {
  return [...path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1] as string);
}

export function operationObject(
  collector: SchemaCollector,
  route: RouteSpec,
  spec: OperationSpec,
): JsonSchema {
  const parameters = [
    ...parametersOf(collector, spec.params, 'path'),
    ...parametersOf(collector, spec.query, 'query'),
    ...parametersOf(collector, spec.headers, 'header'),
  ];
  const declared = parameters
    .filter((parameter) => parameter.in === 'path')
    .map((parameter) => parameter.name);
  const expected = pathParameterNames(route.path);
  if (declared.join() !== expected.join()) {
    throw new Error(
      `${routeKey(route)}: path parameters ${expected.join()} but schema gives ${declared.join()}`,
    );
  }

  const { success } = spec;
  const successBody = () =>
    success.schema
      ? { content: { 'application/json': { schema: collector.convert(success.schema, 'output') } } }
      : {};
  const responses: Record<string, unknown> = {
    [String(success.status)]: {
      description: success.description,
      ...(success.headers
        ? {
            headers: Object.fromEntries(
              Object.entries(success.headers).map(([name, value]) => [
                name,
                { schema: { type: 'string', const: value } },
              ]),
            ),
          }
        : {}),
      ...successBody(),
    },
    ...(spec.alsoSuccess
      ? { [String(spec.alsoSuccess.status)]: { description: spec.alsoSuccess.description, ...successBody() } }
      : {}),
  };
  for (const problem of spec.problems) {
    const { status, name } = problemComponent(problem);
    responses[String(status)] = { $ref: `#/components/responses/${name}` };
  }
  if (route.auth === 'iam') responses['403'] = { $ref: '#/components/responses/Forbidden' };
  responses.default = { $ref: '#/components/responses/InternalError' };

  return {
    operationId: spec.operationId,
    summary: spec.summary,
    ...(spec.description ? { description: spec.description } : {}),
    tags: [spec.tag],
    'x-function': route.function,
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(spec.body
      ? {
          requestBody: {
            required: spec.body.required,
            content: { 'application/json': { schema: collector.convert(spec.body.schema, 'input') } },
          },
        }
      : {}),
    responses,
    security: route.auth === 'iam' ? [{ sigv4: [] }] : [],
  };
}
