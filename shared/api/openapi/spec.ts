import type { RouteSpec } from '#shared/topology.js';
import type * as z from '#shared/zod.js';
import type { NamedProblem, ProblemStatus } from './problems.js';

/** What the OpenAPI document says of one route. */

export interface OperationSpec {
  operationId: string;
  summary: string;
  description?: string;
  tag: 'Orders' | 'SIMs' | 'Plans' | 'Policies' | 'Jobs' | 'Reports' | 'Webhooks';
  params?: z.core.$ZodType;
  query?: z.core.$ZodType;
  headers?: z.core.$ZodType;
  body?: { schema: z.core.$ZodType; required: boolean; description?: string };
  success: {
    status: number;
    description: string;
    schema?: z.core.$ZodType;
    headers?: Record<string, string>;
  };
  /** Another success status with the same body (PUT: 201 created, 200 replaced). */
  alsoSuccess?: { status: number; description: string };
  problems: (ProblemStatus | NamedProblem)[];
}

export function routeKey(route: Pick<RouteSpec, 'method' | 'path'>): string {
  return `${route.method} ${route.path}`;
}
