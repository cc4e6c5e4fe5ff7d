import type { Policy, PolicyDefinition, PolicyStore } from './policy.js';
import { comparePolicyIds, toPolicy } from './policy-records.js';

/** In-memory `PolicyStore` with the DynamoDB adapter's semantics, for tests and local tools. Copies in and out. */
export class MemoryPolicyStore implements PolicyStore {
  readonly #policies = new Map<string, Policy>();

  async put(
    policyId: string,
    definition: PolicyDefinition,
    now: Date,
  ): Promise<{ policy: Policy; created: boolean }> {
    const at = now.toISOString();
    const existing = this.#policies.get(policyId);
    const policy = toPolicy(policyId, definition, existing?.createdAt ?? at, at);
    this.#policies.set(policyId, policy);
    return { policy: structuredClone(policy), created: existing === undefined };
  }

  async get(policyId: string): Promise<Policy | undefined> {
    const policy = this.#policies.get(policyId);
    return policy ? structuredClone(policy) : undefined;
  }

  async list(): Promise<Policy[]> {
    return [...this.#policies.values()]
      .sort((a, b) => comparePolicyIds(a.policyId, b.policyId))
      .map((policy) => structuredClone(policy));
  }

  async delete(policyId: string): Promise<boolean> {
    return this.#policies.delete(policyId);
  }
}
