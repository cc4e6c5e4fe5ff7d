import type { Order } from '../store/order.js';
import type { TransatelEvent } from '../transatel/webhooks/events.js';
import * as z from '../zod.js';

/**
 * The events this product publishes (SNS) for the company's other systems: one stable vocabulary,
 * whatever Transatel calls things. Subscribers filter on the `type` message attribute.
 */
export interface FleetNotification {
  type: string;
  occurredAt: string;
  iccid?: string;
  msisdn?: string;
  /** Our orders this event moved on, if any. */
  orderIds: string[];
  subscriptionId?: string;
  planId?: string;
  status?: string;
  /** Where it came from, for tracing and deduplication by subscribers. */
  source: { eventId: string; eventType: string };
  details?: Record<string, unknown>;
}

/** A notification as a queue fed by the events topic receives it (raw delivery): checked before it is used. */
export const fleetNotificationSchema = z.looseObject({
  type: z.string().check(z.minLength(1), z.maxLength(100)),
  occurredAt: z.string().check(z.minLength(1), z.maxLength(64)),
  iccid: z.optional(z.string().check(z.regex(/^[0-9]{13,20}$/))),
  msisdn: z.optional(z.string().check(z.maxLength(20))),
  orderIds: z._default(z.array(z.string()), []),
  subscriptionId: z.optional(z.string().check(z.maxLength(200))),
  planId: z.optional(z.string().check(z.maxLength(200))),
  status: z.optional(z.string().check(z.maxLength(100))),
  source: z.object({
    eventId: z.string().check(z.minLength(1)),
    eventType: z.string().check(z.minLength(1)),
  }),
  details: z.optional(z.record(z.string(), z.unknown())),
});

const connectivityTypes: Record<string, string> = {
  'CONNECTIVITY-MANAGEMENT/SUBSCRIBER/ACTIVATED': 'sim.activated',
  'CONNECTIVITY-MANAGEMENT/SUBSCRIBER/MODIFIED': 'sim.modified',
  'CONNECTIVITY-MANAGEMENT/SUBSCRIBER/SUSPENDED': 'sim.suspended',
  'CONNECTIVITY-MANAGEMENT/SUBSCRIBER/REACTIVATED': 'sim.reactivated',
  'CONNECTIVITY-MANAGEMENT/SUBSCRIBER/TERMINATED': 'sim.terminated',
  'CONNECTIVITY-MANAGEMENT/SUBSCRIBER/MSISDN/SWAPPED': 'sim.msisdn-swapped',
  'CONNECTIVITY-MANAGEMENT/SUBSCRIBER/SIMCARD/SWAPPED': 'sim.card-swapped',
};

const productTypes: Record<string, string> = {
  'OCS/PRODUCT/PRELOADED': 'plan.preloaded',
  'OCS/PRODUCT/ACTIVATED': 'plan.activated',
  'OCS/PRODUCT/RENEWED': 'plan.renewed',
  'OCS/PRODUCT/CANCELED': 'plan.canceled',
  'OCS/PRODUCT/EXPIRED': 'plan.expired',
  'OCS/PRODUCT/TERMINATED': 'plan.terminated',
};

const nonEmpty = <T extends Record<string, unknown>>(value: T): T | undefined =>
  Object.keys(value).length > 0 ? value : undefined;

const defined = <T extends Record<string, unknown>>(value: T): T =>
  Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as T;

export function toNotification(event: TransatelEvent, orderIds: string[]): FleetNotification {
  const base = {
    occurredAt: event.header.eventDate,
    orderIds,
    source: { eventId: event.header.eventId, eventType: event.type },
  };
  switch (event.family) {
    case 'connectivity':
      return defined({
        ...base,
        type: connectivityTypes[event.type] ?? 'sim.changed',
        iccid: event.body.simSerial,
        msisdn: event.body.msisdn,
        status: event.body.status,
        details: defined({ source: event.body.source, transactionId: event.body.transactionId }),
      });
    case 'ocs-product':
      return defined({
        ...base,
        type: productTypes[event.type] ?? 'plan.changed',
        iccid: event.body.iccid,
        msisdn: event.body.msisdn,
        subscriptionId: event.body.productSubscription?.subscriptionId,
        planId: event.body.productSubscription?.productId,
        status: event.body.productSubscription?.status,
        details: defined({
          activationDate: event.body.productSubscription?.activationDate,
          expirationDate: event.body.productSubscription?.expirationDate,
        }),
      });
    case 'ocs-resource':
      return defined({
        ...base,
        type: event.type === 'OCS/PRODUCT/RESOURCE/EXHAUSTED' ? 'data.exhausted' : 'data.threshold',
        iccid: event.body.iccid,
        msisdn: event.body.msisdn,
        subscriptionId: event.body.productSubscription?.subscriptionId,
        planId: event.body.productSubscription?.productId,
        details: nonEmpty(
          defined({
            ...event.body.resource,
            // Which period of the plan ran out: a renewed plan that runs out again is another occurrence.
            expirationDate: event.body.productSubscription?.expirationDate,
          }),
        ),
      });
    case 'esim':
      return defined({
        ...base,
        type: `esim.${event.type.split('/').pop()?.toLowerCase() ?? 'changed'}`,
        iccid: event.body.simSerial,
        status: event.body.status,
        details: defined({ eid: event.body.eid, errorMessage: event.body.errorMessage }),
      });
    default:
      // Kept and forwarded as received: a type Transatel adds tomorrow still reaches subscribers.
      return { ...base, type: 'transatel.other', details: { body: event.body } };
  }
}

/** Our own event: an order stopped for a person (its plan may have been bought; see the order's failure). */
export function needsReviewNotification(order: Order, at: Date): FleetNotification {
  return defined({
    type: 'order.needs_review',
    occurredAt: at.toISOString(),
    iccid: order.iccid,
    msisdn: order.msisdn,
    orderIds: [order.orderId],
    planId: order.planId,
    status: order.status,
    source: { eventId: `order:${order.orderId}:v${order.version}`, eventType: 'ORDER/NEEDS_REVIEW' },
    details: order.failure ? { ...order.failure } : undefined,
  });
}
