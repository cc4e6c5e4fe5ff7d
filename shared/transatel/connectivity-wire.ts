import { lazy } from '../lazy.js';
import * as z from '../zod.js';
import type { TransatelOption } from './config.js';
import { reportDrift, tolerantList, tolerantString, totalObject } from './wire.js';

/**
 * What Connectivity Management answers, as read: the tolerant zod wire schemas, and the subscriber and
 * transaction they are normalised to (statuses and states spelt one way).
 */

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
export const subscriberWireSchema = lazy(() =>
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

export function toSubscriber(
  wire: z.output<ReturnType<typeof subscriberWireSchema>>,
  iccid: string,
): Subscriber {
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

export const transactionSchema = lazy(() =>
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

export const transactionStatusSchema = lazy(() =>
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
