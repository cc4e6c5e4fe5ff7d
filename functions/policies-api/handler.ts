import {
  MAX_POLICY_BODY_BYTES,
  policiesQuerySchema,
  policyParamsSchema,
  policyRequestSchema,
} from '#shared/api/requests/policies.js';
import { policiesResponseSchema, policySchema } from '#shared/api/responses/policy.js';
import { HttpError, httpHandler, json, noContent } from '#shared/lambda/http.js';
import { routeHandlers } from '#shared/lambda/http-router.js';
import { policyStore } from '#shared/wiring/clients/policy-store.js';
import { knownPlanIds } from '#shared/wiring/known-plans.js';

function policyNotFound(policyId: string): HttpError {
  return new HttpError(404, { title: 'POLICY_NOT_FOUND', detail: `Policy ${policyId} does not exist` });
}

/**
 * Creates (201) or replaces (200) a policy. An unknown planId is refused as the ordering APIs refuse it, against
 * catalog-sync's copy of the catalogue: no Transatel call.
 */
const putPolicy = httpHandler(
  { params: policyParamsSchema, body: policyRequestSchema, maxBodyBytes: MAX_POLICY_BODY_BYTES },
  async ({ params, body }) => {
    const plans = await knownPlanIds();
    if (plans && !plans.has(body.action.planId)) {
      throw HttpError.validation([
        { path: 'body.action.planId', message: `unknown plan '${body.action.planId}': see GET /v1/plans` },
      ]);
    }
    const { policy, created } = await policyStore().put(params.policyId, body, new Date());
    return json(created ? 201 : 200, policySchema.parse(policy));
  },
);

const listPolicies = httpHandler({ query: policiesQuerySchema }, async () => {
  const policies = await policyStore().list();
  return json(200, policiesResponseSchema.parse({ policies }));
});

const getPolicy = httpHandler({ params: policyParamsSchema }, async ({ params }) => {
  const policy = await policyStore().get(params.policyId);
  if (!policy) throw policyNotFound(params.policyId);
  return json(200, policySchema.parse(policy));
});

const deletePolicy = httpHandler({ params: policyParamsSchema }, async ({ params }) => {
  if (!(await policyStore().delete(params.policyId))) throw policyNotFound(params.policyId);
  return noContent();
});

/** The top-up policies: stored and served here; the policy engine acts on them. */
export const handler = routeHandlers({
  'GET /v1/policies': listPolicies,
  'GET /v1/policies/{policyId}': getPolicy,
  'PUT /v1/policies/{policyId}': putPolicy,
  'DELETE /v1/policies/{policyId}': deletePolicy,
});
