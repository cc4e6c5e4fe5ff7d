import { plansQuerySchema, plansResponseSchema } from '../schemas.js';
import type { OperationSpec } from './spec.js';

/** The Plans route of the OpenAPI document: the catalogue of capped plans. */

export const planOperations: Readonly<Record<string, OperationSpec>> = {
  'GET /v1/plans': {
    operationId: 'listPlans',
    summary: 'The capped plans on offer, optionally those covering a country',
    tag: 'Plans',
    query: plansQuerySchema,
    success: { status: 200, description: 'The plans', schema: plansResponseSchema },
    problems: [400, 502, 503],
  },
};
