import { describe, expect, it } from 'vitest';
import { buildOpenApiDocument, type JsonSchema, operations, routeKey } from '#shared/api/openapi.js';
import { problemSchema } from '#shared/api/schemas.js';
import { routes } from '#shared/topology.js';

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

type Operation = JsonSchema & {
  operationId: string;
  parameters?: { name: string; in: string; required: boolean; schema: JsonSchema }[];
  security: Record<string, string[]>[];
  responses: Record<string, JsonSchema>;
  requestBody?: { content: Record<string, { schema: JsonSchema }> };
};

const document = buildOpenApiDocument({ serverUrl: 'https://api.example.test' });
const paths = document.paths as Record<string, Record<string, Operation>>;

function documentedOperations(): { key: string; operation: Operation; path: string }[] {
  return Object.entries(paths).flatMap(([path, item]) =>
    METHODS.filter((method) => item[method] !== undefined).map((method) => ({
      key: `${method.toUpperCase()} ${path}`,
      operation: item[method] as Operation,
      path,
    })),
  );
}

/** Every `$ref` in the document, with where it was found. */
function refsOf(value: unknown, at = '#'): { ref: string; at: string }[] {
  if (Array.isArray(value)) return value.flatMap((item, index) => refsOf(item, `${at}/${index}`));
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, inner]) =>
    key === '$ref' && typeof inner === 'string' ? [{ ref: inner, at }] : refsOf(inner, `${at}/${key}`),
  );
}

function resolvePointer(root: unknown, ref: string): unknown {
  if (!ref.startsWith('#/')) return undefined;
  let node: unknown = root;
  for (const raw of ref.slice(2).split('/')) {
    const segment = decodeURIComponent(raw).replaceAll('~1', '/').replaceAll('~0', '~');
    if (typeof node !== 'object' || node === null || !(segment in node)) return undefined;
    node = (node as Record<string, unknown>)[segment];
  }
  return node;
}

describe('OpenAPI document', () => {
  it('is an OpenAPI 3.1 document with info, servers, paths and components', () => {
    expect(document.openapi).toBe('3.1.0');
    expect(document.info).toMatchObject({ title: expect.any(String), version: expect.any(String) });
    expect(document.servers).toEqual([{ url: 'https://api.example.test' }]);
    expect(Object.keys(paths).length).toBeGreaterThan(0);
    expect(buildOpenApiDocument().servers).toEqual([{ url: 'http://127.0.0.1:3000' }]);
  });

  it('has exactly one operation per topology route, and no other', () => {
    const documented = documentedOperations().map(({ key }) => key);
    const routed = routes.map(routeKey);
    expect(new Set(routed).size).toBe(routed.length);
    expect(documented.sort()).toEqual([...routed].sort());
    expect(Object.keys(operations).sort()).toEqual([...routed].sort());
  });

  it('gives each operation a unique operationId and the function of its route', () => {
    const all = documentedOperations();
    expect(new Set(all.map(({ operation }) => operation.operationId)).size).toBe(all.length);
    for (const route of routes) {
      const operation = paths[route.path]?.[route.method.toLowerCase()];
      expect(operation?.['x-function'], routeKey(route)).toBe(route.function);
    }
  });

  it('declares every path parameter, required, and no other', () => {
    for (const { key, operation, path } of documentedOperations()) {
      const inPath = [...path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1]);
      const declared = (operation.parameters ?? []).filter((parameter) => parameter.in === 'path');
      expect(
        declared.map((parameter) => parameter.name),
        key,
      ).toEqual(inPath);
      for (const parameter of declared) expect(parameter.required, key).toBe(true);
    }
  });

  it('resolves every $ref: no dangling reference, no leftover JSON Schema $defs', () => {
    const refs = refsOf(document);
    expect(refs.length).toBeGreaterThan(20);
    for (const { ref, at } of refs) {
      expect(ref, at).toMatch(/^#\/components\/(schemas|responses)\//);
      expect(resolvePointer(document, ref), `${ref} at ${at}`).toBeDefined();
    }
    expect(JSON.stringify(document)).not.toContain('$defs');
    expect(JSON.stringify(document)).not.toContain('"$schema"');
  });

  it('names components after the schemas .meta({ id }) and uses them', () => {
    const schemas = (document.components as { schemas: Record<string, JsonSchema> }).schemas;
    for (const id of [
      'Problem',
      'Order',
      'OrderAccepted',
      'ActivationRequest',
      'BulkActivationRequest',
      'Plans',
      'Plan',
    ]) {
      expect(schemas[id], id).toBeDefined();
    }
    const used = new Set(refsOf(document).map(({ ref }) => ref));
    for (const name of Object.keys(schemas)) {
      expect(used.has(`#/components/schemas/${name}`), name).toBe(true);
    }
    expect(Object.keys(schemas.Problem?.properties as object)).toEqual(Object.keys(problemSchema.shape));
  });

  it('gives every operation a schema for its success body and problem+json for its errors', () => {
    for (const { key, operation } of documentedOperations()) {
      const statuses = Object.keys(operation.responses);
      const success = statuses.filter((status) => /^2\d\d$/.test(status));
      const spec = operations[key];
      // One success status; PUT of a policy has two (201 created, 200 replaced), with one body.
      expect(success.sort(), key).toEqual(
        [spec?.success.status, spec?.alsoSuccess?.status]
          .filter((status) => status !== undefined)
          .map(String)
          .sort(),
      );
      expect(operation.responses.default, key).toEqual({ $ref: '#/components/responses/InternalError' });
      expect(statuses, key).toContain('400');
      for (const status of statuses.filter((status) => /^[45]\d\d$/.test(status) && status !== '403')) {
        const ref = (operation.responses[status] as { $ref: string }).$ref;
        const response = resolvePointer(document, ref) as { content: Record<string, { schema: JsonSchema }> };
        expect(response.content['application/problem+json']?.schema, `${key} ${status}`).toEqual({
          $ref: '#/components/schemas/Problem',
        });
      }
    }
  });

  it('puts SigV4 on the IAM routes and nothing on the webhook', () => {
    const schemes = (document.components as { securitySchemes: Record<string, JsonSchema> }).securitySchemes;
    expect(schemes.sigv4).toMatchObject({
      type: 'apiKey',
      in: 'header',
      'x-amazon-apigateway-authtype': 'awsSigv4',
    });
    for (const route of routes) {
      const operation = paths[route.path]?.[route.method.toLowerCase()] as Operation;
      expect(operation.security, routeKey(route)).toEqual(route.auth === 'iam' ? [{ sigv4: [] }] : []);
      expect('403' in operation.responses, routeKey(route)).toBe(route.auth === 'iam');
    }
  });

  it('documents requests from the input side of the schemas: query coercion, headers, ICCID shape', () => {
    const listSims = paths['/v1/sims']?.get as Operation;
    const page = listSims.parameters?.find((parameter) => parameter.name === 'page');
    expect(page).toMatchObject({ in: 'query', required: false, schema: { type: 'integer', default: 1 } });
    const activate = paths['/v1/sims/{iccid}/activation']?.post as Operation;
    expect(activate.parameters?.find((parameter) => parameter.in === 'header')).toMatchObject({
      name: 'Idempotency-Key',
      required: false,
    });
    expect(activate.parameters?.find((parameter) => parameter.name === 'iccid')?.schema).toMatchObject({
      type: 'string',
      pattern: '^[0-9]{19,20}$',
    });
    const webhook = paths['/v1/webhooks/transatel']?.post as Operation;
    expect(webhook.parameters).toEqual([
      expect.objectContaining({ name: 'X-TSL-Signature-256', in: 'header', required: true }),
    ]);
  });

  it('describes the 409 of the ordering routes: SIM_HAS_OPEN_ORDER with openOrderId, and the bulk rejections', () => {
    const components = document.components as {
      responses: Record<string, { description: string }>;
      schemas: Record<string, { properties: Record<string, JsonSchema> }>;
    };
    for (const [path, response] of [
      ['/v1/sims/{iccid}/activation', 'OrderConflict'],
      ['/v1/sims/{iccid}/plans', 'OrderConflict'],
      ['/v1/activations', 'BulkActivationConflict'],
    ] as const) {
      const operation = paths[path]?.post as Operation;
      expect(operation.responses['409'], path).toEqual({ $ref: `#/components/responses/${response}` });
      expect(components.responses[response]?.description, path).toMatch(/SIM_HAS_OPEN_ORDER.*openOrderId/);
      expect(operation.description, path).toMatch(/SIM_HAS_OPEN_ORDER|openOrderId/);
    }
    // Elsewhere a 409 keeps its general meaning.
    const suspend = paths['/v1/sims/{iccid}/suspend']?.post as Operation;
    expect(suspend.responses['409']).toEqual({
      $ref: '#/components/responses/Conflict',
    });
    const { Problem, BulkRejection, BulkActivationResponse } = components.schemas;
    expect(Problem?.properties.openOrderId).toMatchObject({ type: 'string' });
    expect(Problem?.properties.rejected).toMatchObject({
      items: { $ref: '#/components/schemas/BulkRejection' },
    });
    expect(BulkRejection?.properties.openOrderId).toMatchObject({ type: 'string' });
    expect(BulkActivationResponse?.properties.rejected).toMatchObject({
      items: { $ref: '#/components/schemas/BulkRejection' },
    });
  });

  it('documents the policies routes: 201 or 200 with the policy on PUT, 204 on DELETE, 404 where one may be missing', () => {
    const item = paths['/v1/policies/{policyId}'] as Record<string, Operation>;
    const put = item.put as Operation;
    for (const status of ['200', '201']) {
      expect(put.responses[status]?.content, status).toEqual({
        'application/json': { schema: { $ref: '#/components/schemas/Policy' } },
      });
    }
    expect(put.requestBody?.content['application/json']?.schema).toEqual({
      $ref: '#/components/schemas/PolicyDefinition',
    });
    expect(put.parameters?.find((parameter) => parameter.name === 'policyId')?.schema).toMatchObject({
      type: 'string',
      pattern: '^[A-Za-z0-9_-]{1,64}$',
    });
    expect(Object.keys(put.responses)).not.toContain('404');
    expect(item.delete?.responses['204']).toEqual({ description: 'Deleted' });
    for (const operation of [item.get, item.delete]) {
      expect(operation?.responses['404']).toEqual({ $ref: '#/components/responses/NotFound' });
    }
    const list = paths['/v1/policies']?.get as Operation;
    expect(list.responses['200']?.content).toEqual({
      'application/json': { schema: { $ref: '#/components/schemas/Policies' } },
    });
    const schemas = (document.components as { schemas: Record<string, JsonSchema> }).schemas;
    // The request form defaults `enabled`; the stored policy always has it.
    expect(schemas.PolicyDefinition?.required).toEqual(['scope', 'trigger', 'action', 'limits']);
    expect(schemas.Policy?.required).toEqual(
      expect.arrayContaining(['policyId', 'enabled', 'createdAt', 'updatedAt']),
    );
    expect((document.tags as { name: string }[]).map((tag) => tag.name)).toContain('Policies');
  });

  it('is deterministic', () => {
    expect(JSON.stringify(buildOpenApiDocument())).toBe(JSON.stringify(buildOpenApiDocument()));
  });
});
