import { type ProductDef, productDefinitionView } from './catalog.js';
import type { ProductSubscription, Sim, Transaction } from './state.js';

/** Drops undefined values so optional fields are absent rather than null on the wire. */
export function compact<T extends Record<string, unknown>>(obj: T): Partial<T> {
  const out: Partial<T> = {};
  for (const [k, v] of Object.entries(obj) as [keyof T, T[keyof T]][]) {
    if (v !== undefined) out[k] = v;
  }
  return out;
}

export function subscriberView(sim: Sim): Record<string, unknown> {
  return compact({
    simSerial: sim.iccid,
    msisdn: sim.msisdn,
    imsi: sim.imsi,
    status: sim.status,
    ratePlan: sim.ratePlan,
    options: sim.options.map((o) => ({ ...o })),
    group: sim.group,
    externalReference: sim.externalReference,
    subscriberCountryOfResidence: sim.subscriberCountryOfResidence,
    activationDate: sim.activationDate,
    simType: sim.simType,
  });
}

export function simRecordView(sim: Sim, mvnoRef: string): Record<string, unknown> {
  return compact({
    simSerial: sim.iccid,
    msisdn: sim.msisdn ? `+${sim.msisdn}` : undefined,
    status: sim.status,
    simType: sim.simType,
    mvnoRef,
    ratePlan: sim.ratePlan,
    group: sim.group,
    externalReference: sim.externalReference,
    activationDate: sim.activationDate,
    lastEsimProfileStatus: sim.esim?.status,
    lastSeenDate: sim.lastSeenDate,
    lastOriginCountry: sim.lastOriginCountry,
  });
}

export function transactionView(txn: Transaction): Record<string, unknown> {
  return compact({
    transactionId: txn.transactionId,
    simSerial: txn.simSerial,
    type: txn.type,
    transactionStatus: txn.transactionStatus,
    creationDate: txn.creationDate,
    lastUpdateDate: txn.lastUpdateDate,
    errorCode: txn.errorCode,
    errorMessage: txn.errorMessage,
  });
}

const KB = 1024;

export interface BalanceView {
  resourceName: string;
  resourceLabel: string;
  resourceUnit: 'KB';
  resourceValue: number;
  resourceStartValue: number;
  resourceStartDate?: string;
  resourceEndDate?: string;
}

/** Remaining/granted data in KB (1 KB = 1024 bytes); -1 means unlimited. */
export function balanceView(sub: ProductSubscription): BalanceView {
  const unlimited = sub.startBytes === null;
  const start = sub.startBytes ?? 0;
  return compact({
    resourceName: 'DATA',
    resourceLabel: 'Data',
    resourceUnit: 'KB' as const,
    resourceValue: unlimited ? -1 : Math.floor(Math.max(0, start - sub.usedBytes) / KB),
    resourceStartValue: unlimited ? -1 : Math.floor(start / KB),
    resourceStartDate: sub.periodStartDate,
    resourceEndDate: sub.periodEndDate,
  }) as BalanceView;
}

export function productSubscriptionView(
  sub: ProductSubscription,
  def: ProductDef | undefined,
  withBalances: boolean,
): Record<string, unknown> {
  const definition = def ? productDefinitionView(def) : { productId: sub.productId };
  return compact({
    subscriptionId: sub.subscriptionId,
    status: sub.status,
    productDefinition: compact({
      productId: definition.productId,
      productCategory: definition.productCategory,
      tags: definition.tags,
      countryList: definition.countryList,
      allowances: definition.allowances,
      unlimited: definition.unlimited,
      validityPeriod: definition.validityPeriod,
    }),
    balances: withBalances ? { data: [balanceView(sub)] } : undefined,
    subscriptionDate: sub.subscriptionDate,
    activationDate: sub.activationDate,
    expirationDate: sub.expirationDate,
    transactionReference: sub.transactionReference,
  });
}
