import { policySchema as storedPolicySchema } from '#shared/store/policy.js';
import * as z from '#shared/zod.js';
import { documentedPolicyFields } from '../requests/policies.js';

/** A stored policy as the API answers it: the store's schema, its fields documented as the request's are. */
export const policySchema = z
  .extend(storedPolicySchema, {
    ...documentedPolicyFields,
    createdAt: storedPolicySchema.shape.createdAt.check(z.meta({ description: 'When it was first created' })),
    updatedAt: storedPolicySchema.shape.updatedAt.check(z.meta({ description: 'When it was last put' })),
  })
  .check(z.meta({ id: 'Policy' }));

export const policiesResponseSchema = z
  .object({
    policies: z.array(policySchema).check(z.meta({ description: 'Every policy, by policyId' })),
  })
  .check(z.meta({ id: 'Policies' }));
