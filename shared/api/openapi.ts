import packageJson from '../../package.json' with { type: 'json' };
import { type HttpMethod, routes } from '../topology.js';
import { jobOperations } from './openapi/jobs.js';
import type { JsonSchema } from './openapi/json-schema.js';
import { operationObject } from './openapi/operation-object.js';
import { orderOperations } from './openapi/orders.js';
import { planOperations } from './openapi/plans.js';
import { policyOperations } from './openapi/policies.js';
import { responseComponents } from './openapi/problems.js';
import { reportOperations } from './openapi/reports.js';
import { resolvePlaceholders, SchemaCollector } from './openapi/schema-collector.js';
import { simOperations } from './openapi/sims.js';
import { type OperationSpec, routeKey } from './openapi/spec.js';
import { webhookOperations } from './openapi/webhooks.js';
import { problemSchema } from './schemas.js';

/**
 * The OpenAPI 3.1 document of the public API, generated from the topology's routes and the zod
 * schemas the handlers validate with: nothing here is a hand-written JSON schema. This module
 * assembles the document; the operations of each area and the conversion are under openapi/.
 */

export type { JsonSchema } from './openapi/json-schema.js';
export { routeKey } from './openapi/spec.js';

/** One entry per topology route, keyed `METHOD path`; the test checks both sides match. */
export const operations: Readonly<Record<string, OperationSpec>> = {
  ...orderOperations,
  ...simOperations,
  ...policyOperations,
  ...planOperations,
  ...jobOperations,
  ...reportOperations,
  ...webhookOperations,
};

export interface OpenApiOptions {
  /** The API's base URL (a stage's invoke URL, or the local gateway); default the local one. */
  serverUrl?: string;
}

export const LOCAL_SERVER_URL = 'http://127.0.0.1:3000';

export function buildOpenApiDocument(options: OpenApiOptions = {}): JsonSchema {
  const collector = new SchemaCollector();
  collector.convert(problemSchema, 'output');

  const paths: Record<string, Partial<Record<Lowercase<HttpMethod>, JsonSchema>>> = {};
  for (const route of routes) {
    const spec = operations[routeKey(route)];
    if (!spec) throw new Error(`No OpenAPI operation for the topology route ${routeKey(route)}`);
    const item = paths[route.path] ?? {};
    item[route.method.toLowerCase() as Lowercase<HttpMethod>] = operationObject(collector, route, spec);
    paths[route.path] = item;
  }
  const unrouted = Object.keys(operations).filter((key) => !routes.some((route) => routeKey(route) === key));
  if (unrouted.length > 0)
    throw new Error(`OpenAPI operations without a topology route: ${unrouted.join(', ')}`);

  const responses = responseComponents();
  const { names, schemas } = collector.finish();
  const document = {
    openapi: '3.1.0',
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    info: {
      title: 'IoT Connect Capped Plans API',
      version: packageJson.version,
      description:
        'Activates IoT SIMs on Transatel and subscribes capped data plans; balances, plans, eSIM QR codes, usage, SIM lifecycle and top-up policies. Errors are RFC 7807 `application/problem+json`. Generated from the zod schemas the handlers validate with (`npm run openapi`).',
    },
    servers: [{ url: options.serverUrl ?? LOCAL_SERVER_URL }],
    tags: [
      { name: 'Orders', description: 'Activation and plan orders, and their progress' },
      { name: 'SIMs', description: 'SIM search, details, balances, usage, eSIM, lifecycle' },
      { name: 'Plans', description: 'The catalogue of capped plans' },
      {
        name: 'Policies',
        description: 'Top-up policies: which SIMs get which plan, when, within what limits',
      },
      {
        name: 'Jobs',
        description: 'Bulk jobs: one lifecycle action or plan over many SIMs, at once or at a set time',
      },
      { name: 'Reports', description: 'Fleet reports as CSV or JSON: plans expiring, data low' },
      { name: 'Webhooks', description: "Transatel's events" },
    ],
    security: [{ sigv4: [] }],
    paths,
    components: {
      schemas,
      responses,
      securitySchemes: {
        sigv4: {
          type: 'apiKey',
          name: 'Authorization',
          in: 'header',
          description:
            'AWS Signature Version 4 (service `execute-api`) with IAM credentials allowed to invoke the API. Not required locally.',
          'x-amazon-apigateway-authtype': 'awsSigv4',
        },
      },
    },
  };
  return resolvePlaceholders(document, names) as JsonSchema;
}
