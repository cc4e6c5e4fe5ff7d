import { createHash } from 'node:crypto';
import type { HistoryEntry, HistoryStore } from '../store/history.js';
import type { Policy } from '../store/policy.js';
import type { PolicyLedger } from '../store/policy-ledger.js';
import { monthOf } from '../store/policy-ledger.js';
import { type ProcessedEventStore, processEventOnce } from '../store/processed-events.js';
import type { Money } from '../transatel/ocs-catalog.js';
import { acceptOrder, type IntakeDeps } from '../workflow/intake.js';
import type { FleetNotification } from '../workflow/notifications.js';
import { firesPolicy, occurrenceOf, type TriggerOccurrence } from './triggers.js';

/**
 * The policy engine: a trigger occurrence (a plan's data exhausted, a threshold crossed, a plan about to
 * expire) fires the policies that cover the SIM, and each orders its plan through the ordinary order workflow,
 * within its limits. Once per occurrence: the occurrence is claimed, the limits count it once, and the
 * order's Idempotency-Key comes from it. Every decision is published and written to the SIM's history.
 */

export interface PolicyEngineDeps {
  policies: () => Promise<Policy[]>;
  ledger: PolicyLedger;
  /** Claims of trigger occurrences (the events worker's processed-events store, its own keys). */
  occurrences: ProcessedEventStore;
  intake: IntakeDeps;
  history: Pick<HistoryStore, 'append'>;
  notify: (notification: FleetNotification) => Promise<void>;
  /** The SIM's group at Transatel; undefined when Transatel does not say. */
  simGroup: (iccid: string) => Promise<string | undefined>;
  /** The plan's price in the catalogue; undefined when unknown. */
  planPrice: (planId: string) => Promise<Money | undefined>;
  now: () => Date;
  /** How long a claimed occurrence excludes other workers: the invocation's remaining time. */
  leaseMs: number;
  logger: { info(message: string, attributes?: Record<string, unknown>): void };
}

export type PolicyDecision =
  | { policyId: string; kind: 'ordered'; orderId: string }
  | { policyId: string; kind: 'limit-reached'; limit: string; detail: string }
  | { policyId: string; kind: 'skipped'; why: string };

/** Another worker is answering this occurrence now: the message is retried later. */
export class OccurrenceInFlightError extends Error {
  override readonly name = 'OccurrenceInFlightError';
}

/** A SIM with an open order cannot take the top-up yet: the message is retried later. */
export class SimBusyError extends Error {
  override readonly name = 'SimBusyError';
}

/** The log line of every decision; infra counts the `limit-reached` ones (infra/constructs/monitoring.ts). */
export const POLICY_DECISION_MESSAGE = 'policy decision';

/** Trigger occurrences are remembered this long: a plan period is at most a year. */
const OCCURRENCE_MEMORY_SECONDS = 400 * 24 * 3600;

/** Which policies fire for this event, and what each decided. */
export async function applyPolicies(
  deps: PolicyEngineDeps,
  notification: FleetNotification,
): Promise<PolicyDecision[]> {
  const occurrence = occurrenceOf(notification);
  if (!occurrence) return [];
  const candidates = (await deps.policies()).filter((policy) => firesPolicy(policy, occurrence));
  const decisions: PolicyDecision[] = [];
  let group: Promise<string | undefined> | undefined;
  for (const policy of candidates) {
    const scope = policy.scope;
    if ('iccids' in scope && !scope.iccids.includes(occurrence.iccid)) continue;
    if ('group' in scope) {
      group ??= deps.simGroup(occurrence.iccid);
      const simGroup = await group;
      if (simGroup === undefined) {
        decisions.push(
          await skipped(
            deps,
            policy,
            occurrence,
            notification,
            'Transatel does not say which group the SIM is in',
          ),
        );
        continue;
      }
      if (simGroup !== scope.group) continue;
    }
    decisions.push(await applyPolicy(deps, policy, occurrence, notification));
  }
  return decisions;
}

async function applyPolicy(
  deps: PolicyEngineDeps,
  policy: Policy,
  occurrence: TriggerOccurrence,
  notification: FleetNotification,
): Promise<PolicyDecision> {
  const claimKey = `policy#${policy.policyId}#${occurrence.iccid}#${occurrence.key}`;
  const run = await processEventOnce(
    deps.occurrences,
    { eventId: claimKey, leaseMs: deps.leaseMs, memorySeconds: OCCURRENCE_MEMORY_SECONDS, clock: deps.now },
    () => topUp(deps, policy, occurrence, claimKey),
  );
  if (run.outcome === 'processed') return run.result;
  if (run.outcome === 'in-flight') throw new OccurrenceInFlightError(`${claimKey} is being answered`);
  return skipped(deps, policy, occurrence, notification, 'this trigger occurrence was answered before');
}

/** Limits first, then the order; a SIM with an open order is retried later (limits are taken once). */
async function topUp(
  deps: PolicyEngineDeps,
  policy: Policy,
  occurrence: TriggerOccurrence,
  claimKey: string,
): Promise<PolicyDecision> {
  const { planId } = policy.action;
  const budget = policy.limits.monthlyBudget;
  let price: Money | undefined;
  if (budget) {
    price = await deps.planPrice(planId);
    if (!price)
      return skipped(
        deps,
        policy,
        occurrence,
        undefined,
        `the price of plan ${planId} is unknown, so the budget cannot be kept`,
      );
    if (price.currency !== budget.currency) {
      return skipped(
        deps,
        policy,
        occurrence,
        undefined,
        `plan ${planId} is priced in ${price.currency}, the budget in ${budget.currency}`,
      );
    }
  }
  const now = deps.now();
  const limits = await deps.ledger.consume({
    policyId: policy.policyId,
    iccid: occurrence.iccid,
    occurrence: occurrence.key,
    now,
    maxPerSimPerMonth: policy.limits.maxPerSimPerMonth,
    budget: budget && price ? { limitMinor: budget.amountMinor, priceMinor: price.amountMinor } : undefined,
  });
  if (limits.kind === 'limit-reached') {
    const decision: PolicyDecision = {
      policyId: policy.policyId,
      kind: 'limit-reached',
      limit: limits.limit,
      detail: limits.detail,
    };
    await record(deps, policy, occurrence, decision, `${occurrence.key}#limit`);
    return decision;
  }
  const outcome = await acceptOrder(deps.intake, {
    kind: 'plan',
    iccid: occurrence.iccid,
    planId,
    policyId: policy.policyId,
    note: `top-up by policy ${policy.policyId}: ${occurrence.description}`.slice(0, 1000),
    // The same occurrence places the same order, even when this run is retried after a crash.
    idempotencyKey: `policy-${createHash('sha256').update(claimKey).digest('hex').slice(0, 48)}`,
  });
  if (outcome.kind === 'sim-busy') {
    throw new SimBusyError(
      `SIM ${occurrence.iccid} has an open order ${outcome.openOrderId}; the top-up waits for it`,
    );
  }
  if (outcome.kind === 'conflict') throw new Error(`top-up order for ${claimKey}: ${outcome.detail}`);
  const decision: PolicyDecision = {
    policyId: policy.policyId,
    kind: 'ordered',
    orderId: outcome.value.orderId,
  };
  await record(deps, policy, occurrence, decision, `${occurrence.key}#ordered#${monthOf(now)}`);
  return decision;
}

async function skipped(
  deps: PolicyEngineDeps,
  policy: Policy,
  occurrence: TriggerOccurrence,
  notification: FleetNotification | undefined,
  why: string,
): Promise<PolicyDecision> {
  const decision: PolicyDecision = { policyId: policy.policyId, kind: 'skipped', why };
  // A duplicate is written once per delivery that brought it, under that delivery's event id.
  const id = `${occurrence.key}#skipped#${notification?.source.eventId ?? 'run'}`;
  await record(deps, policy, occurrence, decision, id, false);
  return decision;
}

const EVENT_TYPES = {
  ordered: 'policy.topup_ordered',
  'limit-reached': 'policy.limit_reached',
  skipped: 'policy.skipped',
} as const;

/** Writes the decision to the SIM's history and, but for a skip, publishes it. */
async function record(
  deps: PolicyEngineDeps,
  policy: Policy,
  occurrence: TriggerOccurrence,
  decision: PolicyDecision,
  id: string,
  publish = true,
): Promise<void> {
  const at = deps.now().toISOString();
  const type = EVENT_TYPES[decision.kind];
  const summary =
    decision.kind === 'ordered'
      ? `Policy ${policy.policyId} ordered plan ${policy.action.planId}: ${occurrence.description}`
      : decision.kind === 'limit-reached'
        ? `Policy ${policy.policyId} ordered nothing: ${decision.detail}`
        : `Policy ${policy.policyId} ordered nothing: ${decision.why}`;
  const details = {
    trigger: policy.trigger,
    occurrence: occurrence.key,
    planId: policy.action.planId,
    ...(decision.kind === 'limit-reached' ? { limit: decision.limit } : {}),
    ...(decision.kind === 'skipped' ? { why: decision.why } : {}),
  };
  const entry: HistoryEntry = {
    iccid: occurrence.iccid,
    at,
    id: `${policy.policyId}#${id}`.slice(0, 200),
    source: 'policy',
    type,
    summary: summary.slice(0, 1000),
    policyId: policy.policyId,
    ...(decision.kind === 'ordered' ? { orderId: decision.orderId } : {}),
    details,
  };
  await deps.history.append([entry]);
  deps.logger.info(POLICY_DECISION_MESSAGE, {
    policyId: policy.policyId,
    iccid: occurrence.iccid,
    decision: decision.kind,
    summary,
  });
  if (!publish) return;
  await deps.notify({
    type,
    occurredAt: at,
    iccid: occurrence.iccid,
    orderIds: decision.kind === 'ordered' ? [decision.orderId] : [],
    planId: policy.action.planId,
    source: { eventId: `policy:${policy.policyId}:${occurrence.key}:${decision.kind}`, eventType: type },
    details: { policyId: policy.policyId, ...details },
  });
}
