import type { OrderStore } from '../store/order-store.js';
import type { TransatelClient } from '../transatel/client.js';
import type { ActivationWatch } from './activation-watch.js';
import { MAX_DELAY_SECONDS, type WorkQueue } from './messages.js';
import type { FleetNotification } from './notifications.js';
import type { WebhookTimingShare } from './webhook-timing-share.js';

export interface WorkflowSettings {
  /** After this long without the SIM turning Active, the order fails (per stage). */
  activationDeadlineSeconds: number;
  /** First status check after an activation request; later checks back off from there. */
  firstPollDelaySeconds: number;
  /**
   * How long a plan claim protects an in-flight OCS order. Longer than the worker's
   * timeout, so a claim older than this belongs to an invocation that is certainly gone.
   */
  claimLeaseSeconds: number;
}

export const defaultWorkflowSettings: WorkflowSettings = {
  activationDeadlineSeconds: 3_600,
  // Polling is the fallback for a lost ACTIVATED webhook, and activations take minutes at Transatel: checking
  // sooner would spend a rate-limited call per order on a SIM that cannot be active yet.
  firstPollDelaySeconds: 60,
  claimLeaseSeconds: 60,
};

/** The wait between two status checks of one SIM: in proportion to the time already waited, at most SQS's 15 minutes. */
export function checkBackoffSeconds(settings: WorkflowSettings, ageSeconds: number): number {
  return Math.min(MAX_DELAY_SECONDS, Math.max(settings.firstPollDelaySeconds, ageSeconds / 2));
}

export interface WorkflowLogger {
  info(message: string, attributes?: Record<string, unknown>): void;
  warn(message: string, attributes?: Record<string, unknown>): void;
}

/** The Transatel APIs the workflow calls; each worker is given the ones its steps use. */
export type WorkflowTransatel = Pick<TransatelClient, 'connectivity' | 'ocsSubscriptions' | 'ocsInventory'>;

export interface WorkflowDeps<Transatel extends Partial<WorkflowTransatel> = WorkflowTransatel> {
  store: OrderStore;
  transatel: Transatel;
  queue: WorkQueue;
  settings: WorkflowSettings;
  now: () => Date;
  logger: WorkflowLogger;
  /** Publishes our own events (an order stopped for review) to the company's systems; absent: none. */
  notify?: (notification: FleetNotification) => Promise<void>;
  /** Times the plan worker's status checks from the activations it has seen; absent: the fixed schedule. */
  activationWatch?: ActivationWatch;
  /** The plan workers' webhook timing, which the first status check of an order waits for; absent: none. */
  webhookTiming?: WebhookTimingShare;
}
