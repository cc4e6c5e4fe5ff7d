import { mergeOptions, type TransatelOption } from './config.js';
import {
  type Subscriber,
  subscriberWireSchema,
  type Transaction,
  type TransactionStatus,
  toSubscriber,
  transactionSchema,
  transactionStatusSchema,
} from './connectivity-wire.js';
import { encodeSegment, type TransatelHttp } from './http.js';

export {
  KNOWN_SUBSCRIBER_STATUSES,
  type KnownSubscriberStatus,
  normalizeSubscriberStatus,
  type Subscriber,
  type SubscriberStatus,
  type Transaction,
  type TransactionState,
  type TransactionStatus,
} from './connectivity-wire.js';

const BASE = '/connectivity-management/subscribers/api';

export interface ActivateRequest {
  /** Defaults to the configured rate plan. */
  ratePlan?: string;
  /** Merged over the configured default options, by name. */
  options?: TransatelOption[];
  reference?: string;
  group?: string;
  /** ISO 3166-1 alpha-2 (GB, not UK). */
  countryOfResidence?: string;
}

export interface ModifyRequest {
  /** Default: the SIM's own rate plan (read first), else the configured one. */
  ratePlan?: string;
  options?: TransatelOption[];
  reference?: string;
  group?: string;
}

export interface LifecycleRequest {
  /** Default: the SIM's own rate plan (read first), else the configured one. */
  ratePlan?: string;
  reference?: string;
}

/** Connectivity Management: the SIM's subscriber, its lifecycle and options. Addressed by ICCID (simSerial). */
export class ConnectivityApi {
  constructor(private readonly http: TransatelHttp) {}

  async getSubscriber(iccid: string): Promise<Subscriber> {
    const wire = await this.http.call({
      operation: 'connectivity.getSubscriber',
      method: 'GET',
      path: `${BASE}/subscribers/sim-serial/${encodeSegment(iccid)}`,
      schema: subscriberWireSchema(),
      safety: 'read',
    });
    return toSubscriber(wire, iccid);
  }

  /** Starts the activation; completion comes later (event, or status polling). Never retried blindly. */
  activate(iccid: string, request: ActivateRequest = {}): Promise<Transaction> {
    const settings = this.http.settings;
    return this.http.call({
      operation: 'connectivity.activate',
      method: 'POST',
      path: `${BASE}/subscribers/sim-serial/${encodeSegment(iccid)}/activate`,
      body: compact({
        ratePlan: request.ratePlan ?? settings.ratePlan,
        options: mergeOptions(settings.defaultOptions, request.options),
        externalReference: request.reference,
        group: request.group,
        subscriberCountryOfResidence: request.countryOfResidence,
      }),
      schema: transactionSchema(),
      safety: 'write',
    });
  }

  async modify(iccid: string, request: ModifyRequest): Promise<Transaction> {
    const ratePlan = await this.ratePlanOf(iccid, request.ratePlan);
    return this.http.call({
      operation: 'connectivity.modify',
      method: 'POST',
      path: `${BASE}/subscribers/sim-serial/${encodeSegment(iccid)}/modify`,
      body: compact({
        ratePlan,
        options: request.options,
        externalReference: request.reference,
        group: request.group,
      }),
      schema: transactionSchema(),
      safety: 'write',
    });
  }

  suspend(iccid: string, request: LifecycleRequest = {}): Promise<Transaction> {
    return this.lifecycle('suspend', iccid, request);
  }

  reactivate(iccid: string, request: LifecycleRequest = {}): Promise<Transaction> {
    return this.lifecycle('reactivate', iccid, request);
  }

  terminate(iccid: string, request: LifecycleRequest = {}): Promise<Transaction> {
    return this.lifecycle('terminate', iccid, request);
  }

  getTransaction(transactionId: string): Promise<TransactionStatus> {
    return this.http.call({
      operation: 'connectivity.getTransaction',
      method: 'GET',
      path: `${BASE}/transactions/${encodeSegment(transactionId)}`,
      schema: transactionStatusSchema(),
      safety: 'read',
    });
  }

  /**
   * The rate plan a change must carry: the one asked for, else the SIM's own, so that a change never moves
   * a SIM onto another rate plan of a multi-plan account; the configured one only when Transatel does not
   * say which the SIM has.
   */
  private async ratePlanOf(iccid: string, requested: string | undefined): Promise<string> {
    if (requested) return requested;
    const subscriber = await this.getSubscriber(iccid);
    return subscriber.ratePlan ?? this.http.settings.ratePlan;
  }

  private async lifecycle(
    action: 'suspend' | 'reactivate' | 'terminate',
    iccid: string,
    request: LifecycleRequest,
  ): Promise<Transaction> {
    const ratePlan = await this.ratePlanOf(iccid, request.ratePlan);
    return this.http.call({
      operation: `connectivity.${action}`,
      method: 'POST',
      path: `${BASE}/subscribers/sim-serial/${encodeSegment(iccid)}/${action}`,
      // Sources disagree on the body; ratePlan plus the optional reference satisfies both variants seen.
      body: compact({ ratePlan, externalReference: request.reference }),
      schema: transactionSchema(),
      safety: 'write',
    });
  }
}

/** Drops undefined fields so they are absent from the JSON rather than null. */
export function compact<T extends Record<string, unknown>>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
