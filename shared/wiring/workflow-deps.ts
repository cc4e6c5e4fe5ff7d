import { lazy } from '../lazy.js';
import type { TransatelHttp } from '../transatel/http.js';
import { newActivationWatch } from '../workflow/activation-watch.js';
import {
  checkBackoffSeconds,
  defaultWorkflowSettings,
  type WorkflowDeps,
  type WorkflowSettings,
  type WorkflowTransatel,
} from '../workflow/deps.js';
import { WebhookTimingShare } from '../workflow/webhook-timing-share.js';
import * as z from '../zod.js';
import { webhookTimingStore } from './clients/dynamo.js';
import { transatelHttp } from './clients/transatel.js';
import { envSchema, loadConfig } from './config.js';
import { activationDeadlineEnv } from './env/workflow.js';
import { orderMoveDeps, workflowLogger } from './order-move-deps.js';

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

/**
 * Everything a worker's steps need, wired to the real services, with the Transatel APIs it names built over
 * the container's HTTP layer: a worker bundles only the APIs its steps call.
 */
export function workflowDeps<Transatel extends Partial<WorkflowTransatel>>(
  transatelApis: (http: TransatelHttp) => Transatel,
  extras: Pick<WorkflowDeps, 'notify'> & {
    /** Time status checks from the activations this container sees (the plan worker). */
    watchActivations?: boolean;
  } = {},
): () => WorkflowDeps<Transatel> {
  const { watchActivations, ...rest } = extras;
  return lazy(() => {
    const settings = workflowSettings();
    return {
      ...orderMoveDeps(),
      ...rest,
      transatel: transatelApis(transatelHttp()),
      settings,
      webhookTiming: new WebhookTimingShare(webhookTimingStore(), workflowLogger.warn),
      ...(watchActivations
        ? { activationWatch: newActivationWatch((age) => checkBackoffSeconds(settings, age)) }
        : {}),
    };
  });
}
