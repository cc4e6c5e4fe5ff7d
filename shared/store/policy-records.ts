import { type Policy, type PolicyDefinition, policyDefinitionSchema, policySchema } from './policy.js';

/**
 * What both PolicyStore adapters share: how a stored policy is made from a definition, and the order
 * policies are listed in.
 */

/** The stored policy; throws when the id or the definition is invalid (nothing invalid is ever written). */
export function toPolicy(
  policyId: string,
  definition: PolicyDefinition,
  createdAt: string,
  updatedAt: string,
): Policy {
  return policySchema.parse({
    ...policyDefinitionSchema.parse(definition),
    policyId,
    createdAt,
    updatedAt,
  });
}

/**
 * Policy ids in code-unit order, as DynamoDB sorts its string sort keys (UTF-8 bytes; the same order for
 * the ASCII ids allowed), not `localeCompare`'s (which puts `a` before `B`).
 */
export function comparePolicyIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
