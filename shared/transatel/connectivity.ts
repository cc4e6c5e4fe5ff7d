import { lazy } from '../lazy.js';
import * as z from '../zod.js';
import { mergeOptions, type TransatelOption } from './config.js';
import { encodeSegment, type TransatelHttp } from './http.js';
import { reportDrift, tolerantList, tolerantString, totalObject } from './wire.js';

const BASE = '/connectivity-management/subscribers/api';

/** Subscriber statuses, normalised: Transatel spells Pre-activated three ways. Others are passed through. */
export const KNOWN_SUBSCRIBER_STATUSES = [
  'Available',
  'Pre-activated',
  'Active',
  'Suspended',
  'Terminated',
  'TestMode',
  'Tariff_Holiday',
] as const;
export type KnownSubscriberStatus = (typeof KNOWN_SUBSCRIBER_STATUSES)[number];
export type SubscriberStatus = KnownSubscriberStatus | (string & {});

export function normalizeSubscriberStatus(raw: string): SubscriberStatus {
  const key = raw.replace(/[\s_-]/g, '').toLowerCase();
  switch (key) {
    case 'available':
      return 'Available';
    case 'preactivated':
      return 'Pre-activated';
    case 'active':
      return 'Active';
    case 'suspended':
      return 'Suspended';
    case 'terminated':
      return 'Terminated';
    case 'testmode':
      return 'TestMode';
    case 'tariffholiday':
    case 'sleepmode':
      return 'Tariff_Holiday';
    default:
      return raw;
  }
}

const optionWireSchema = lazy(() =>
  z.pipe(
    z.looseObject({ name: z.string(), value: z.union([z.string(), z.number(), z.boolean()]) }),
    z.transform(({ name, value }): TransatelOption => ({ name, value: String(value) })),
  ),
);

/** Only `status` is required: every flow routes on it. The rest is optional or inferred (docs/transatel.md). */
const subscriberWireSchema = lazy(() =>
  z.looseObject({
    simSerial: tolerantString('subscriber.simSerial'),
    msisdn: tolerantString('subscriber.msisdn'),
    imsi: tolerantString('subscriber.imsi'),
    status: z.string().check(z.minLength(1)),
    ratePlan: tolerantString('subscriber.ratePlan'),
    options: tolerantList('subscriber.options', optionWireSchema()),
    group: tolerantString('subscriber.group'),
    externalReference: tolerantString('subscriber.externalReference'),
    activationDate: tolerantString('subscriber.activationDate'),
    simType: tolerantString('subscriber.simType'),
  }),
);

export interface Subscriber {
  iccid: string;
  msisdn: string | undefined;
  imsi: string | undefined;
  status: SubscriberStatus;
  ratePlan: string | undefined;
  options: TransatelOption[];
  group: string | undefined;
  reference: string | undefined;
  activationDate: string | undefined;
  simType: string | undefined;
}

function toSubscriber(wire: z.output<ReturnType<typeof subscriberWireSchema>>, iccid: string): Subscriber {
  return {
    iccid: wire.simSerial ?? iccid,
    msisdn: wire.msisdn?.replace(/^\+/, ''),
    imsi: wire.imsi,
    status: normalizeSubscriberStatus(wire.status),
    ratePlan: wire.ratePlan,
    options: wire.options,
    group: wire.group,
    reference: wire.externalReference,
    activationDate: wire.activationDate,
    simType: wire.simType,
  };
}

/** `UNKNOWN`: a state Transatel has not documented; treated as still in progress, never as an outcome. */
export type TransactionState = 'PENDING' | 'DONE' | 'FAILED' | 'UNKNOWN';

function normalizeTransactionState(raw: string | undefined): TransactionState {
  if (raw === undefined) return 'PENDING';
  switch (raw.toUpperCase()) {
    case 'PENDING':
    case 'IN_PROGRESS':
    case 'INPROGRESS':
    case 'PROCESSING':
    case 'ACCEPTED':
      return 'PENDING';
    case 'DONE':
    case 'SUCCESS':
    case 'SUCCEEDED':
    case 'COMPLETED':
      return 'DONE';
    case 'FAILED':
    case 'FAILURE':
    case 'ERROR':
    case 'REJECTED':
      return 'FAILED';
    default:
      reportDrift('transaction.transactionStatus', `unknown value '${raw}'`);
      return 'UNKNOWN';
  }
}

/**
 * What a Connectivity Management write answered. A 2xx means Transatel accepted the request, whatever the
 * body says: `transactionId` is what we could read of it, and may be absent (then the change is followed
 * through the SIM's status and events).
 */
export interface Transaction {
  transactionId: string | undefined;
  iccid: string | undefined;
  state: TransactionState;
}

const transactionSchema = lazy(() =>
  z.pipe(
    totalObject('transaction', {
      transactionId: tolerantString('transaction.transactionId'),
      simSerial: tolerantString('transaction.simSerial'),
      transactionStatus: tolerantString('transaction.transactionStatus'),
    }),
    z.transform(
      (wire): Transaction => ({
        transactionId: wire.transactionId,
        iccid: wire.simSerial,
        state: normalizeTransactionState(wire.transactionStatus),
      }),
    ),
  ),
);

export interface TransactionStatus extends Transaction {
  type: string | undefined;
  createdAt: string | undefined;
  updatedAt: string | undefined;
  errorCode: string | undefined;
  errorMessage: string | undefined;
}

const transactionStatusSchema = lazy(() =>
  z.pipe(
    z.looseObject({
      transactionId: tolerantString('transactionStatus.transactionId'),
      simSerial: tolerantString('transactionStatus.simSerial'),
      transactionStatus: z.string(),
      type: tolerantString('transactionStatus.type'),
      creationDate: tolerantString('transactionStatus.creationDate'),
      lastUpdateDate: tolerantString('transactionStatus.lastUpdateDate'),
      errorCode: tolerantString('transactionStatus.errorCode'),
      errorMessage: tolerantString('transactionStatus.errorMessage'),
    }),
    z.transform(
      (wire): TransactionStatus => ({
        transactionId: wire.transactionId,
        iccid: wire.simSerial,
        state: normalizeTransactionState(wire.transactionStatus),
        type: wire.type,
        createdAt: wire.creationDate,
        updatedAt: wire.lastUpdateDate,
        errorCode: wire.errorCode,
        errorMessage: wire.errorMessage,
      }),
    ),
  ),
);

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
