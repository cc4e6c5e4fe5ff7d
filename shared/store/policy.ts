import * as z from '../zod.js';

/**
 * A top-up policy: when its trigger fires for a SIM in its scope, it orders its plan for that SIM, within its
 * limits. Triggers: the plan's data exhausted (Transatel's event), a usage threshold of the user's choosing (a
 * scheduled sweep of balances), the plan expiring within some days (the same sweep).
 */

export const policyIdSchema = z
  .string()
  .check(z.regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1 to 64 letters, digits, _ or -'));

const iccidListItem = z.string().check(z.regex(/^[0-9]{19,20}$/, 'must be an ICCID of 19 or 20 digits'));

export const MAX_SCOPE_ICCIDS = 10_000;

export const policyScopeSchema = z.union([
  z.strictObject({ group: z.string().check(z.minLength(1), z.maxLength(50)) }),
  z.strictObject({
    iccids: z.array(iccidListItem).check(z.minLength(1), z.maxLength(MAX_SCOPE_ICCIDS)),
  }),
  z.strictObject({ all: z.literal(true) }),
]);
export type PolicyScope = z.output<typeof policyScopeSchema>;

export const policyTriggerSchema = z.discriminatedUnion('on', [
  z.strictObject({ on: z.literal('exhausted') }),
  z.strictObject({
    on: z.literal('threshold'),
    percent: z.number().check(z.int(), z.minimum(50), z.maximum(99)),
  }),
  z.strictObject({
    on: z.literal('expiring'),
    daysBefore: z.number().check(z.int(), z.minimum(1), z.maximum(30)),
  }),
]);
export type PolicyTrigger = z.output<typeof policyTriggerSchema>;

export const moneySchema = z.strictObject({
  amountMinor: z.number().check(z.int(), z.nonnegative()),
  currency: z.string().check(z.regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as EUR')),
});

export const policyLimitsSchema = z.strictObject({
  maxPerSimPerMonth: z.number().check(z.int(), z.minimum(1), z.maximum(100)),
  monthlyBudget: z.optional(moneySchema),
});
export type PolicyLimits = z.output<typeof policyLimitsSchema>;

/** What a caller sends (PUT /v1/policies/{policyId}). */
export const policyDefinitionSchema = z.strictObject({
  scope: policyScopeSchema,
  trigger: policyTriggerSchema,
  action: z.strictObject({ planId: z.string().check(z.minLength(1), z.maxLength(200)) }),
  limits: policyLimitsSchema,
  enabled: z._default(z.boolean(), true),
});
export type PolicyDefinition = z.output<typeof policyDefinitionSchema>;

/** A stored policy. */
export const policySchema = z.extend(policyDefinitionSchema, {
  policyId: policyIdSchema,
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type Policy = z.output<typeof policySchema>;

export interface PolicyStore {
  /** Creates or replaces; answers whether it was created. `createdAt` is kept on a replace. */
  put(
    policyId: string,
    definition: PolicyDefinition,
    now: Date,
  ): Promise<{ policy: Policy; created: boolean }>;
  get(policyId: string): Promise<Policy | undefined>;
  /** Every policy (a company has a handful: no paging). */
  list(): Promise<Policy[]>;
  /** Answers whether there was one. */
  delete(policyId: string): Promise<boolean>;
}
