import { defaultWorkflowSettings, type WorkflowDeps, type WorkflowSettings } from '../workflow/deps.js';
import * as z from '../zod.js';
import { transatelClient } from './clients/transatel.js';
import { activationDeadlineEnv, envSchema, loadConfig } from './config.js';
import { lazy } from './lazy.js';
import { orderMoveDeps } from './order-move-deps.js';

const workflowTimingEnv = envSchema(
  activationDeadlineEnv,
  z.object({
    POLL_FIRST_DELAY_SECONDS: z._default(
      z.coerce.number().check(z.int(), z.minimum(0), z.maximum(900)),
      defaultWorkflowSettings.firstPollDelaySeconds,
    ),
    PLAN_CLAIM_LEASE_SECONDS: z._default(
      z.coerce.number().check(z.int(), z.minimum(1), z.maximum(900)),
      defaultWorkflowSettings.claimLeaseSeconds,
    ),
  }),
);

export const workflowSettings = lazy((): WorkflowSettings => {
  const env = loadConfig(workflowTimingEnv);
  return {
    activationDeadlineSeconds: env.ACTIVATION_DEADLINE_SECONDS,
    firstPollDelaySeconds: env.POLL_FIRST_DELAY_SECONDS,
    claimLeaseSeconds: env.PLAN_CLAIM_LEASE_SECONDS,
  };
});

/** Everything the workflow steps need, wired to the real services. */
export const workflowDeps = lazy(
  (): WorkflowDeps => ({
    ...orderMoveDeps(),
    transatel: transatelClient(),
    settings: workflowSettings(),
  }),
);
