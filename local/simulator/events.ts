import { randomUUID } from 'node:crypto';
import type { EsimStatus, ProductSubscription, Sim } from './state.js';
import { type BalanceView, balanceView, compact } from './views.js';

export interface EventEnvelope {
  header: { eventId: string; eventType: string; eventDate: string };
  body: Record<string, unknown>;
}

export type SubscriberEventKind = 'ACTIVATED' | 'MODIFIED' | 'SUSPENDED' | 'REACTIVATED' | 'TERMINATED';
export type ProductEventKind = 'PRELOADED' | 'ACTIVATED' | 'RENEWED' | 'CANCELED' | 'EXPIRED' | 'TERMINATED';
export type EventSource = 'api' | 'webtool' | 'ftp' | 'system';

export const THRESHOLD_EVENT = 'OCS/RESOURCE/THRESHOLD';
export const EXHAUSTED_EVENT = 'OCS/PRODUCT/RESOURCE/EXHAUSTED';

export interface OcsContext {
  mvnoRef: string;
  cos: string;
}

export function envelope(eventType: string, body: Record<string, unknown>, at = new Date()): EventEnvelope {
  // eventIds are random, not seeded: a receiver deduplicating on eventId must never see one twice
  // across a /_sim/reset or a restart.
  return { header: { eventId: randomUUID(), eventType, eventDate: at.toISOString() }, body };
}

export function subscriberEvent(
  kind: SubscriberEventKind,
  sim: Sim,
  meta: { source: EventSource; transactionId?: string; externalReference?: string },
): { type: string; body: Record<string, unknown> } {
  return {
    type: `CONNECTIVITY-MANAGEMENT/SUBSCRIBER/${kind}`,
    body: compact({
      simSerial: sim.iccid,
      transactionId: meta.transactionId,
      msisdn: sim.msisdn,
      status: sim.status,
      source: meta.source,
      externalReference: meta.externalReference ?? sim.externalReference,
      group: sim.group,
    }),
  };
}

function ocsBody(ctx: OcsContext, sim: Sim, sub: ProductSubscription): Record<string, unknown> {
  return compact({
    mvnoRef: ctx.mvnoRef,
    cos: ctx.cos,
    msisdn: sim.msisdn,
    iccid: sim.iccid,
    externalReference: sub.transactionReference,
    productSubscription: compact({
      subscriptionId: sub.subscriptionId,
      productId: sub.productId,
      status: sub.status,
      subscriptionDate: sub.subscriptionDate,
      activationDate: sub.activationDate,
      expirationDate: sub.expirationDate,
    }),
  });
}

export function productEvent(
  kind: ProductEventKind,
  ctx: OcsContext,
  sim: Sim,
  sub: ProductSubscription,
): { type: string; body: Record<string, unknown> } {
  return { type: `OCS/PRODUCT/${kind}`, body: ocsBody(ctx, sim, sub) };
}

export function resourceEvent(
  type: typeof THRESHOLD_EVENT | typeof EXHAUSTED_EVENT,
  ctx: OcsContext,
  sim: Sim,
  sub: ProductSubscription,
  thresholdPercent?: number,
): { type: string; body: Record<string, unknown> } {
  const b: BalanceView = balanceView(sub);
  const resource = compact({
    resourceName: b.resourceName,
    resourceUnit: b.resourceUnit,
    resourceValue: b.resourceValue,
    resourceStartValue: b.resourceStartValue,
    thresholdPercent,
  });
  return { type, body: { ...ocsBody(ctx, sim, sub), resource } };
}

export function esimEvent(sim: Sim, status: EsimStatus | 'error', errorMessage?: string) {
  return {
    type: `SIM-MANAGEMENT/ESIM/${status.toUpperCase()}`,
    body: compact({ simSerial: sim.iccid, eid: sim.esim?.eid, status, errorMessage }),
  };
}
