import {
  MAX_SCOPE_ICCIDS,
  policyDefinitionSchema,
  policyIdSchema,
  policyLimitsSchema,
  policyScopeSchema,
  policyTriggerSchema,
} from '#shared/store/policy.js';
import { iccidProblem } from '#shared/transatel/identifiers.js';
import * as z from '#shared/zod.js';

/** The policies routes: PUT, GET and DELETE /v1/policies/{policyId}, GET /v1/policies. */

export const policyParamsSchema = z.object({
  policyId: policyIdSchema.check(
    z.meta({ description: 'Chosen by the caller: 1 to 64 letters, digits, _ or -', example: 'fleet-eu' }),
  ),
});

/** No query parameter: one given (`?group=G`) would look like a filter that is not applied. */
export const policiesQuerySchema = z.strictObject({});

/**
 * A body of 10,000 ICCIDs (the most a scope lists), pretty-printed, is over the default 256 KiB; stored
 * compactly it stays within DynamoDB's 400 KB item.
 */
export const MAX_POLICY_BODY_BYTES = 1024 * 1024;

const scopeMessage =
  'must be one of { "group": "<group>" }, { "iccids": ["<iccid>", ...] } or { "all": true }';

/**
 * The fields of a policy as the API documents them: the model's schemas (shared/store/policy.ts) with a
 * description each; the scope is the model's union, with a message saying what it may be when it is none.
 */
export const documentedPolicyFields = {
  scope: z
    .union(policyScopeSchema._zod.def.options, {
      error: (issue) => (issue.input === undefined ? 'is required' : scopeMessage),
    })
    .check(
      z.meta({
        description: `The SIMs the policy looks after: those of a group (Transatel's SIM group), a list of up to ${MAX_SCOPE_ICCIDS} ICCIDs, or all`,
      }),
    ),
  trigger: policyTriggerSchema.check(
    z.meta({
      description:
        "When it acts for a SIM: its plan's data exhausted (Transatel's event), a usage threshold (percent of the plan's data, 50-99), or its plan expiring within daysBefore days (1-30)",
    }),
  ),
  action: policyDefinitionSchema.shape.action.check(
    z.meta({ description: 'What it does: order the plan `planId` (a planId of GET /v1/plans) for the SIM' }),
  ),
  limits: policyLimitsSchema.check(
    z.meta({
      description:
        'At most maxPerSimPerMonth plans per SIM in a month; optionally monthlyBudget, the most the policy spends in a month (minor units of an ISO 4217 currency)',
    }),
  ),
  enabled: policyDefinitionSchema.shape.enabled.check(
    z.meta({ description: 'A disabled policy is kept but never acts (default true)' }),
  ),
};

/**
 * PUT /v1/policies/{policyId}: the policy model's definition; its ICCIDs also carry their Luhn check digit, as
 * every ICCID the API takes (the model holds 19-20 digits). An unknown planId is refused by the handler.
 */
export const policyRequestSchema = z.extend(policyDefinitionSchema, documentedPolicyFields).check(
  z.superRefine((definition, ctx) => {
    if (!('iccids' in definition.scope)) return;
    definition.scope.iccids.forEach((iccid, index) => {
      const problem = iccidProblem(iccid);
      if (problem) ctx.addIssue({ code: 'custom', message: problem, path: ['scope', 'iccids', index] });
    });
  }),
  z.meta({ id: 'PolicyDefinition' }),
);
