import type { Policy } from '../store/policy.js';
import type { FleetNotification } from '../workflow/notifications.js';

/**
 * A trigger occurrence read from a normalized event: which kind of trigger it can fire, for which SIM and
 * plan, and the key that names this occurrence. The same occurrence delivered again, replayed with another
 * event id or reordered has the same key, so a policy answers it once.
 */
export interface TriggerOccurrence {
  on: Policy['trigger']['on'];
  iccid: string;
  /** The one policy the occurrence is for (the sweep's events name it); absent: every policy of the kind. */
  policyId?: string;
  /** Names the occurrence: same plan period, same threshold or expiry, same key. */
  key: string;
  /** For a person: what happened (the order's first timeline note, the history). */
  description: string;
  subscriptionId?: string;
  planId?: string;
  /** threshold: the percent it is for; expiring: the days before expiry. */
  percent?: number;
  daysBefore?: number;
}

const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value.length > 0 ? value : undefined;
const whole = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isInteger(value) ? value : undefined;

export function occurrenceOf(notification: FleetNotification): TriggerOccurrence | undefined {
  const { iccid, subscriptionId, planId } = notification;
  if (!iccid) return undefined;
  const details = notification.details ?? {};
  const plan = { ...(subscriptionId ? { subscriptionId } : {}), ...(planId ? { planId } : {}) };
  switch (notification.type) {
    case 'data.exhausted': {
      const period = text(details.expirationDate) ?? '';
      // Without a subscription id the event itself is all that names the occurrence: a replay with another
      // event id would be another occurrence, held back by the SIM's monthly limit.
      const key = subscriptionId
        ? `exhausted:${subscriptionId}:${period}`
        : `exhausted:event:${notification.source.eventId}`;
      return {
        on: 'exhausted',
        iccid,
        key,
        description: `data exhausted${subscriptionId ? ` on subscription ${subscriptionId}` : ''}`,
        ...plan,
      };
    }
    case 'usage.threshold': {
      const percent = whole(details.percent);
      const policyId = text(details.policyId);
      if (percent === undefined || !policyId || !subscriptionId) return undefined;
      const used = typeof details.usedPercent === 'number' ? ` (${details.usedPercent.toFixed(1)} %)` : '';
      return {
        on: 'threshold',
        iccid,
        policyId,
        key: `threshold:${percent}:${subscriptionId}:${text(details.expiresAt) ?? ''}`,
        description: `usage of subscription ${subscriptionId} crossed ${percent} %${used}`,
        percent,
        ...plan,
      };
    }
    case 'plan.expiring': {
      const daysBefore = whole(details.daysBefore);
      const policyId = text(details.policyId);
      const expiresAt = text(details.expiresAt);
      if (daysBefore === undefined || !policyId || !subscriptionId || !expiresAt) return undefined;
      return {
        on: 'expiring',
        iccid,
        policyId,
        key: `expiring:${daysBefore}:${subscriptionId}:${expiresAt}`,
        description: `subscription ${subscriptionId} expires ${expiresAt}, within ${daysBefore} day(s)`,
        daysBefore,
        ...plan,
      };
    }
    default:
      return undefined;
  }
}

/** Whether the policy's trigger is the one this occurrence fires. */
export function firesPolicy(policy: Policy, occurrence: TriggerOccurrence): boolean {
  if (!policy.enabled || policy.trigger.on !== occurrence.on) return false;
  if (occurrence.policyId !== undefined && occurrence.policyId !== policy.policyId) return false;
  if (policy.trigger.on === 'threshold') return policy.trigger.percent === occurrence.percent;
  if (policy.trigger.on === 'expiring') return policy.trigger.daysBefore === occurrence.daysBefore;
  return true;
}
