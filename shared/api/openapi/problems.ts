import { problemContentType } from '#shared/lambda/problem.js';
import type { JsonSchema } from './json-schema.js';
import { placeholder } from './schema-collector.js';

/** The problem+json responses of the document: one component per status, and a few named ones. */

/** Problem responses, by status; each is a reusable component. */
const problemResponses = {
  400: {
    name: 'BadRequest',
    description: 'Invalid request: `errors` names each field (`params.iccid`, `body.sims[3].iccid`...)',
  },
  401: { name: 'Unauthorized', description: 'The webhook signature is missing or wrong' },
  404: { name: 'NotFound', description: 'Unknown order, SIM, eSIM, product or policy' },
  409: {
    name: 'Conflict',
    description:
      'Conflicting state: an Idempotency-Key reused with another body, a SIM not active yet, a change in progress',
  },
  413: { name: 'PayloadTooLarge', description: 'The body exceeds the route limit' },
  422: {
    name: 'Unprocessable',
    description: "Transatel refused the request as made (Transatel's title and detail)",
  },
  502: { name: 'BadGateway', description: 'Transatel answered unexpectedly or did not confirm a change' },
  503: {
    name: 'Unavailable',
    description: 'Transatel (or a store) is unavailable; retry after `Retry-After` seconds',
  },
} as const;
export type ProblemStatus = keyof typeof problemResponses;

const idempotencyConflict = 'Or an Idempotency-Key reused with another body (`urn:problem:conflict`).';

/** Problems that share a status with one above but say more on some routes: components of their own. */
const namedProblemResponses = {
  orderConflict: {
    status: 409,
    name: 'OrderConflict',
    description: `\`SIM_HAS_OPEN_ORDER\` (\`urn:problem:sim-has-open-order\`): the SIM has an order that is neither COMPLETED nor FAILED, named by \`openOrderId\`; a new order for it is accepted once that one is. ${idempotencyConflict}`,
  },
  bulkActivationConflict: {
    status: 409,
    name: 'BulkActivationConflict',
    description: `\`SIM_HAS_OPEN_ORDER\` (\`urn:problem:sim-has-open-order\`): no SIM was accepted, at least one because it has an open order; \`errors\` lists each SIM's issues and \`rejected\` each SIM as the 202 would, a busy one with its \`openOrderId\`. ${idempotencyConflict}`,
  },
} as const;
export type NamedProblem = keyof typeof namedProblemResponses;

export function problemComponent(problem: ProblemStatus | NamedProblem): { status: number; name: string } {
  return typeof problem === 'number'
    ? { status: problem, name: problemResponses[problem].name }
    : namedProblemResponses[problem];
}

export const TRANSATEL_PROBLEMS: ProblemStatus[] = [404, 409, 422, 502, 503];

function problemResponse(description: string, headers?: Record<string, unknown>): JsonSchema {
  return {
    description,
    ...(headers ? { headers } : {}),
    content: { [problemContentType]: { schema: { $ref: placeholder('Problem', 'output') } } },
  };
}

/** The response components: API Gateway's 403, the opaque 500, then every problem above. */
export function responseComponents(): Record<string, JsonSchema> {
  const responses: Record<string, JsonSchema> = {
    Forbidden: {
      description:
        'API Gateway refused the request: missing or invalid SigV4 signature, or no IAM permission (`{ "message": ... }`, not a problem)',
    },
    InternalError: problemResponse('Unexpected error (opaque problem)'),
  };
  for (const [status, { name, description }] of Object.entries(problemResponses)) {
    responses[name] = problemResponse(
      description,
      status === '503'
        ? { 'Retry-After': { description: 'Seconds to wait before retrying', schema: { type: 'integer' } } }
        : undefined,
    );
  }

  for (const { name, description } of Object.values(namedProblemResponses)) {
    responses[name] = problemResponse(description);
  }
  return responses;
}
