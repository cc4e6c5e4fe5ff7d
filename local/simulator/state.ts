import type { SubscriberOption } from './options.js';
import type { SimCategory, SimType, SubscriberStatus } from './types.js';

export type TransactionType = 'ACTIVATE' | 'MODIFY' | 'SUSPEND' | 'REACTIVATE' | 'TERMINATE';
export type TransactionStatus = 'PENDING' | 'DONE' | 'FAILED';

export interface LifecycleRequest {
  ratePlan?: string;
  options?: SubscriberOption[];
  externalReference?: string;
  group?: string;
  subscriberCountryOfResidence?: string;
}

export interface Transaction {
  transactionId: string;
  simSerial: string;
  type: TransactionType;
  transactionStatus: TransactionStatus;
  creationDate: string;
  lastUpdateDate: string;
  errorCode?: string;
  errorMessage?: string;
  request: LifecycleRequest;
}

export type ProductStatus = 'pendingForFirstUse' | 'active' | 'expired' | 'canceled' | 'terminated';

export interface ProductSubscription {
  subscriptionId: string;
  orderId: string;
  productId: string;
  iccid: string;
  status: ProductStatus;
  subscriptionDate: string;
  activationDate?: string;
  expirationDate?: string;
  transactionReference?: string;
  /** Granted bytes for the current period, null when unlimited. */
  startBytes: number | null;
  usedBytes: number;
  periodStartDate?: string;
  periodEndDate?: string;
  thresholdNotified: boolean;
  exhaustedNotified: boolean;
}

export interface Cdr {
  eventDate: string;
  apn: string;
  originCountry: string;
  mcc: string;
  mnc: string;
  rat: number;
  imei: string;
  uplink: number;
  downlink: number;
  total: number;
}

export type EsimStatus =
  | 'available'
  | 'allocated'
  | 'released'
  | 'downloaded'
  | 'installed'
  | 'enabled'
  | 'disabled'
  | 'deleted';

export interface EsimProfile {
  status: EsimStatus;
  statusDate: string;
  matchingId: string;
  eid?: string;
  history: { status: EsimStatus; date: string }[];
}

export interface Sim {
  iccid: string;
  category: SimCategory;
  index: number;
  simType: SimType;
  imsi: string;
  /** The device's IMEI, drawn on first use (see deviceImei) to keep seeding cheap. */
  imei?: string;
  msisdn?: string;
  status: SubscriberStatus;
  ratePlan?: string;
  options: SubscriberOption[];
  group?: string;
  externalReference?: string;
  subscriberCountryOfResidence?: string;
  activationDate?: string;
  pendingTransactionId?: string;
  /** Set while a preload is waiting to activate this Pre-activated SIM. */
  firstUseActivationScheduled?: boolean;
  /** Set through /_sim: the next Connectivity Management transaction on this SIM ends FAILED. */
  failNextTransaction?: { errorCode: string; errorMessage: string };
  /** Set through /_sim: every activation is refused with this 400 detail until cleared. */
  unprovisioned?: string;
  products: ProductSubscription[];
  cdrs: Cdr[];
  esim?: EsimProfile;
  lastSeenDate?: string;
  lastOriginCountry?: string;
}

/** All mutable simulator data. SIMs are kept in ICCID order, which is the SIM Search sort order. */
export class SimState {
  readonly sims = new Map<string, Sim>();
  readonly subscriptions = new Map<string, ProductSubscription>();
  readonly transactions = new Map<string, Transaction>();
  private readonly byMsisdn = new Map<string, Sim>();
  private readonly byImsi = new Map<string, Sim>();

  addSim(sim: Sim): void {
    this.sims.set(sim.iccid, sim);
    this.byImsi.set(sim.imsi, sim);
    if (sim.msisdn) this.byMsisdn.set(sim.msisdn, sim);
    for (const p of sim.products) this.subscriptions.set(p.subscriptionId, p);
  }

  assignMsisdn(sim: Sim, msisdn: string): void {
    sim.msisdn = msisdn;
    this.byMsisdn.set(msisdn, sim);
  }

  addSubscription(sim: Sim, sub: ProductSubscription): void {
    sim.products.push(sub);
    this.subscriptions.set(sub.subscriptionId, sub);
  }

  addTransaction(txn: Transaction): void {
    this.transactions.set(txn.transactionId, txn);
  }

  getSim(iccid: string): Sim | undefined {
    return this.sims.get(iccid);
  }

  findByMsisdn(msisdn: string): Sim | undefined {
    return this.byMsisdn.get(msisdn);
  }

  findByImsi(imsi: string): Sim | undefined {
    return this.byImsi.get(imsi);
  }

  simOf(sub: ProductSubscription): Sim {
    const sim = this.sims.get(sub.iccid);
    if (!sim) throw new Error(`Subscription ${sub.subscriptionId} points at unknown SIM ${sub.iccid}`);
    return sim;
  }
}
