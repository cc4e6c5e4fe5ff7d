import type { HistoryEntry } from '../store/history.js';
import { canonicalInstant, oneLine } from '../store/history-keys.js';
import type { FleetNotification } from './notifications.js';

/** The history stores ICCIDs as digits; Transatel's simSerial is any string. */
const storedIccid = /^[0-9]{13,20}$/;

function instant(value: string, fallback: Date): string {
  try {
    return canonicalInstant(value);
  } catch {
    return fallback.toISOString();
  }
}

/**
 * A processed Transatel event in its SIM's history: its normalized type, Transatel's event id as the entry's id
 * (so a redelivery writes the same entry), when Transatel says it happened, and what the notification carries.
 * Undefined for an event that names no SIM.
 */
export function eventHistoryEntry(
  notification: FleetNotification,
  receivedAt: Date,
): HistoryEntry | undefined {
  const { iccid } = notification;
  if (iccid === undefined || !storedIccid.test(iccid)) return undefined;
  const { eventId, eventType } = notification.source;
  const [orderId, ...moreOrders] = notification.orderIds;
  const parts = [
    notification.planId && `plan ${notification.planId}`,
    notification.subscriptionId && `subscription ${notification.subscriptionId}`,
    notification.status && `status ${notification.status}`,
    orderId && `order ${notification.orderIds.join(', ')}`,
  ].filter((part): part is string => typeof part === 'string' && part !== '');
  const details = Object.fromEntries(
    Object.entries({
      eventType,
      msisdn: notification.msisdn,
      planId: notification.planId,
      subscriptionId: notification.subscriptionId,
      status: notification.status,
      orderIds: moreOrders.length > 0 ? notification.orderIds : undefined,
      ...notification.details,
    }).filter(([, value]) => value !== undefined),
  );
  return {
    iccid,
    at: instant(notification.occurredAt, receivedAt),
    id: eventId,
    source: 'transatel',
    type: notification.type,
    summary: oneLine(`${eventType}${parts.length > 0 ? `: ${parts.join(', ')}` : ''}`),
    eventId,
    ...(orderId === undefined ? {} : { orderId }),
    details,
  };
}
