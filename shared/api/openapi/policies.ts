import {
  policiesQuerySchema,
  policiesResponseSchema,
  policyParamsSchema,
  policyRequestSchema,
  policySchema,
} from '../schemas.js';
import type { OperationSpec } from './spec.js';

/** The Policies routes of the OpenAPI document: top-up policies, listed, read, put and deleted. */

export const policyOperations: Readonly<Record<string, OperationSpec>> = {
  'GET /v1/policies': {
    operationId: 'listPolicies',
    summary: 'Every top-up policy, by policyId',
    tag: 'Policies',
    query: policiesQuerySchema,
    success: { status: 200, description: 'The policies', schema: policiesResponseSchema },
    problems: [400],
  },
  'GET /v1/policies/{policyId}': {
    operationId: 'getPolicy',
    summary: 'One top-up policy',
    description: '404 `POLICY_NOT_FOUND` when there is none of that id.',
    tag: 'Policies',
    params: policyParamsSchema,
    success: { status: 200, description: 'The policy', schema: policySchema },
    problems: [400, 404],
  },
  'PUT /v1/policies/{policyId}': {
    operationId: 'putPolicy',
    summary: 'Create or replace a top-up policy',
    description:
      'When its trigger fires for a SIM in its scope, the policy engine orders its plan for that SIM, within its limits. The whole policy is replaced; `createdAt` is kept. An unknown `action.planId` is a 400, checked against the copy of the catalogue (as the ordering routes check plans).',
    tag: 'Policies',
    params: policyParamsSchema,
    body: { schema: policyRequestSchema, required: true },
    success: { status: 201, description: 'Created', schema: policySchema },
    alsoSuccess: { status: 200, description: 'Replaced' },
    problems: [400, 413],
  },
  'DELETE /v1/policies/{policyId}': {
    operationId: 'deletePolicy',
    summary: 'Delete a top-up policy',
    description: 'The engine stops acting on it. 404 `POLICY_NOT_FOUND` when there was none.',
    tag: 'Policies',
    params: policyParamsSchema,
    success: { status: 204, description: 'Deleted' },
    problems: [400, 404],
  },
};
