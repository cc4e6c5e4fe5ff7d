import { lazy } from '../lazy.js';
import * as z from '../zod.js';
import { mergeOptions, type TransatelOption } from './config.js';
import { encodeSegment, type TransatelHttp } from './http.js';
import { optionalString } from './wire.js';

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

const subscriberWireSchema = lazy(() =>
  z.looseObject({
    simSerial: z.string(),
    msisdn: optionalString,
    imsi: optionalString,
    status: z.string(),
    ratePlan: optionalString,
    options: z.pipe(
      z.nullish(z.array(z.looseObject({ name: z.string(), value: z.string() }))),
      z.transform((options) => (options ?? []).map(({ name, value }) => ({ name, value }))),
    ),
    group: optionalString,
    externalReference: optionalString,
    activationDate: optionalString,
    simType: optionalString,
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

const subscriberSchema = lazy(() =>
  z.pipe(
    subscriberWireSchema(),
    z.transform(
      (wire): Subscriber => ({
        iccid: wire.simSerial,
        msisdn: wire.msisdn?.replace(/^\+/, ''),
        imsi: wire.imsi,
        status: normalizeSubscriberStatus(wire.status),
        ratePlan: wire.ratePlan,
        options: wire.options,
        group: wire.group,
        reference: wire.externalReference,
        activationDate: wire.activationDate,
        simType: wire.simType,
      }),
    ),
  ),
);

export type TransactionState = 'PENDING' | 'DONE' | 'FAILED';

function normalizeTransactionState(raw: string): TransactionState {
  switch (raw.toUpperCase()) {
    case 'DONE':
    case 'SUCCESS':
    case 'SUCCEEDED':
    case 'COMPLETED':
      return 'DONE';
    case 'FAILED':
    case 'ERROR':
    case 'REJECTED':
      return 'FAILED';
    default:
      return 'PENDING';
  }
}

export interface Transaction {
  transactionId: string;
  iccid: string | undefined;
  state: TransactionState;
}

const transactionSchema = lazy(() =>
  z.pipe(
    z.looseObject({
      transactionId: z.string().check(z.minLength(1)),
      simSerial: optionalString,
      transactionStatus: z._default(z.string(), 'PENDING'),
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
      transactionId: z.string().check(z.minLength(1)),
      simSerial: optionalString,
      transactionStatus: z.string(),
      type: optionalString,
      creationDate: optionalString,
      lastUpdateDate: optionalString,
      errorCode: optionalString,
      errorMessage: optionalString,
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
  ratePlan?: string;
  options?: TransatelOption[];
  reference?: string;
  group?: string;
}

export interface LifecycleRequest {
  reference?: string;
}

/** Connectivity Management: the SIM's subscriber, its lifecycle and options. Addressed by ICCID (simSerial). */
export class ConnectivityApi {
  constructor(private readonly http: TransatelHttp) {}

  getSubscriber(iccid: string): Promise<Subscriber> {
    return this.http.call({
      operation: 'connectivity.getSubscriber',
      method: 'GET',
      path: `${BASE}/subscribers/sim-serial/${encodeSegment(iccid)}`,
      schema: subscriberSchema(),
      safety: 'read',
    });
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

  modify(iccid: string, request: ModifyRequest): Promise<Transaction> {
    return this.http.call({
      operation: 'connectivity.modify',
      method: 'POST',
      path: `${BASE}/subscribers/sim-serial/${encodeSegment(iccid)}/modify`,
      body: compact({
        ratePlan: request.ratePlan ?? this.http.settings.ratePlan,
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

  private lifecycle(
    action: 'suspend' | 'reactivate' | 'terminate',
    iccid: string,
    request: LifecycleRequest,
  ): Promise<Transaction> {
    return this.http.call({
      operation: `connectivity.${action}`,
      method: 'POST',
      path: `${BASE}/subscribers/sim-serial/${encodeSegment(iccid)}/${action}`,
      // Sources disagree on the body; ratePlan plus the optional reference satisfies both variants seen.
      body: compact({ ratePlan: this.http.settings.ratePlan, externalReference: request.reference }),
      schema: transactionSchema(),
      safety: 'write',
    });
  }
}

/** Drops undefined fields so they are absent from the JSON rather than null. */
export function compact<T extends Record<string, unknown>>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
