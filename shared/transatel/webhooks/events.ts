import * as z from '#shared/zod.js';
import { optionalString, tolerant, tolerantString } from '../wire.js';

/** Event types this product understands; any other type is still accepted, as `unknown`. */
export const CONNECTIVITY_EVENT_TYPES = [
  'CONNECTIVITY-MANAGEMENT/SUBSCRIBER/ACTIVATED',
  'CONNECTIVITY-MANAGEMENT/SUBSCRIBER/MODIFIED',
  'CONNECTIVITY-MANAGEMENT/SUBSCRIBER/SUSPENDED',
  'CONNECTIVITY-MANAGEMENT/SUBSCRIBER/REACTIVATED',
  'CONNECTIVITY-MANAGEMENT/SUBSCRIBER/TERMINATED',
  'CONNECTIVITY-MANAGEMENT/SUBSCRIBER/MSISDN/SWAPPED',
  'CONNECTIVITY-MANAGEMENT/SUBSCRIBER/SIMCARD/SWAPPED',
] as const;

export const OCS_PRODUCT_EVENT_TYPES = [
  'OCS/PRODUCT/PRELOADED',
  'OCS/PRODUCT/ACTIVATED',
  'OCS/PRODUCT/RENEWED',
  'OCS/PRODUCT/CANCELED',
  'OCS/PRODUCT/EXPIRED',
  'OCS/PRODUCT/TERMINATED',
] as const;

export const OCS_RESOURCE_EVENT_TYPES = ['OCS/PRODUCT/RESOURCE/EXHAUSTED', 'OCS/RESOURCE/THRESHOLD'] as const;

export const ESIM_EVENT_TYPES = [
  'SIM-MANAGEMENT/ESIM/RELEASED',
  'SIM-MANAGEMENT/ESIM/DOWNLOADED',
  'SIM-MANAGEMENT/ESIM/INSTALLED',
  'SIM-MANAGEMENT/ESIM/ENABLED',
  'SIM-MANAGEMENT/ESIM/DISABLED',
  'SIM-MANAGEMENT/ESIM/DELETED',
  'SIM-MANAGEMENT/ESIM/ERROR',
] as const;

export const NETWORK_EVENT_TYPES = [
  'NETWORK/SMS/RECEIVED',
  'NETWORK/SMS/DLR/RECEIVED',
  'NETWORK/LOCATION-UPDATE/ACCEPTED',
  'NETWORK/LOCATION-UPDATE/DENIED',
] as const;

export type ConnectivityEventType = (typeof CONNECTIVITY_EVENT_TYPES)[number];
export type OcsProductEventType = (typeof OCS_PRODUCT_EVENT_TYPES)[number];
export type OcsResourceEventType = (typeof OCS_RESOURCE_EVENT_TYPES)[number];
export type EsimEventType = (typeof ESIM_EVENT_TYPES)[number];
export type NetworkEventType = (typeof NETWORK_EVENT_TYPES)[number];

const optionalDigits = z.pipe(
  optionalString,
  z.transform((value) => value?.replace(/^\+/, '')),
);

export const eventHeaderSchema = z.looseObject({
  eventId: z.string().check(z.minLength(1), z.maxLength(200)),
  eventType: z.string().check(z.minLength(1), z.maxLength(200)),
  eventDate: z.string().check(z.minLength(1), z.maxLength(64)),
});
export type EventHeader = z.infer<typeof eventHeaderSchema>;

export const envelopeSchema = z.looseObject({ header: eventHeaderSchema, body: z.unknown() });
export type Envelope = z.infer<typeof envelopeSchema>;

/** Only the SIM is required: the rest is optional or inferred, and read where it parses. */
export const connectivityEventBodySchema = z.looseObject({
  simSerial: z.string().check(z.minLength(1)),
  transactionId: tolerantString('event.transactionId'),
  msisdn: tolerant('event.msisdn', optionalDigits),
  status: tolerantString('event.status'),
  source: tolerantString('event.source'),
  externalReference: tolerantString('event.externalReference'),
  group: tolerantString('event.group'),
});

export const ocsProductEventBodySchema = z.looseObject({
  mvnoRef: tolerantString('event.mvnoRef'),
  cos: tolerantString('event.cos'),
  msisdn: tolerant('event.msisdn', optionalDigits),
  iccid: tolerantString('event.iccid'),
  /** Our OCS order's transactionReference, echoed back. */
  externalReference: tolerantString('event.externalReference'),
  productSubscription: tolerant(
    'event.productSubscription',
    z.looseObject({
      subscriptionId: tolerantString('event.productSubscription.subscriptionId'),
      productId: tolerantString('event.productSubscription.productId'),
      status: tolerantString('event.productSubscription.status'),
      subscriptionDate: tolerantString('event.productSubscription.subscriptionDate'),
      activationDate: tolerantString('event.productSubscription.activationDate'),
      expirationDate: tolerantString('event.productSubscription.expirationDate'),
    }),
  ),
});

export const ocsResourceEventBodySchema = z.extend(ocsProductEventBodySchema, {
  resource: tolerant(
    'event.resource',
    z.looseObject({
      resourceName: optionalString,
      resourceUnit: optionalString,
      resourceValue: z.optional(z.coerce.number()),
      resourceStartValue: z.optional(z.coerce.number()),
      thresholdPercent: z.optional(z.coerce.number()),
    }),
  ),
});

export const esimEventBodySchema = z.looseObject({
  simSerial: z.string().check(z.minLength(1)),
  eid: optionalString,
  status: optionalString,
  errorMessage: optionalString,
});

export type ConnectivityEventBody = z.infer<typeof connectivityEventBodySchema>;
export type OcsProductEventBody = z.infer<typeof ocsProductEventBodySchema>;
export type OcsResourceEventBody = z.infer<typeof ocsResourceEventBodySchema>;
export type EsimEventBody = z.infer<typeof esimEventBodySchema>;

export type TransatelEvent =
  | { family: 'connectivity'; type: ConnectivityEventType; header: EventHeader; body: ConnectivityEventBody }
  | { family: 'ocs-product'; type: OcsProductEventType; header: EventHeader; body: OcsProductEventBody }
  | { family: 'ocs-resource'; type: OcsResourceEventType; header: EventHeader; body: OcsResourceEventBody }
  | { family: 'esim'; type: EsimEventType; header: EventHeader; body: EsimEventBody }
  /** A type we do not model (network events among them): kept and forwarded as it came. */
  | { family: 'unknown'; type: string; header: EventHeader; body: unknown };

export class EventParseError extends Error {
  readonly issues: string[];
  constructor(message: string, issues: string[] = []) {
    super(issues.length ? `${message}: ${issues.slice(0, 5).join('; ')}` : message);
    this.name = 'EventParseError';
    this.issues = issues;
  }
}

const includes = <T extends string>(list: readonly T[], value: string): value is T =>
  (list as readonly string[]).includes(value);

function issuesOf(error: z.core.$ZodError): string[] {
  return error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
}

function parseBody<T>(schema: z.core.$ZodType<T>, body: unknown, type: string): T {
  const parsed = z.safeParse(schema, body);
  if (!parsed.success) throw new EventParseError(`Invalid body for ${type}`, issuesOf(parsed.error));
  return parsed.data;
}

/**
 * Parses a webhook event (raw JSON text or already-parsed JSON). Throws only EventParseError. Unknown
 * event types are returned as `family: 'unknown'`, never rejected.
 */
export function parseEvent(input: string | unknown): TransatelEvent {
  try {
    return parseEventUnguarded(input);
  } catch (error) {
    if (error instanceof EventParseError) throw error;
    // Hostile input (absurd nesting, getters that throw) must still surface as a parse error.
    throw new EventParseError('Event could not be parsed');
  }
}

function parseEventUnguarded(input: string | unknown): TransatelEvent {
  let json: unknown = input;
  if (typeof input === 'string') {
    try {
      json = JSON.parse(input);
    } catch {
      throw new EventParseError('Event is not valid JSON');
    }
  }
  const envelope = envelopeSchema.safeParse(json);
  if (!envelope.success) throw new EventParseError('Invalid event envelope', issuesOf(envelope.error));
  return eventOfEnvelope(envelope.data);
}

/** The event of an envelope already validated (envelopeSchema): its body parsed by its type's schema. */
export function eventOfEnvelope({ header, body }: Envelope): TransatelEvent {
  const type = header.eventType;
  if (includes(CONNECTIVITY_EVENT_TYPES, type))
    return { family: 'connectivity', type, header, body: parseBody(connectivityEventBodySchema, body, type) };
  if (includes(OCS_PRODUCT_EVENT_TYPES, type))
    return { family: 'ocs-product', type, header, body: parseBody(ocsProductEventBodySchema, body, type) };
  if (includes(OCS_RESOURCE_EVENT_TYPES, type))
    return { family: 'ocs-resource', type, header, body: parseBody(ocsResourceEventBodySchema, body, type) };
  if (includes(ESIM_EVENT_TYPES, type))
    return { family: 'esim', type, header, body: parseBody(esimEventBodySchema, body, type) };
  return { family: 'unknown', type, header, body };
}

export type SafeEventParse = { ok: true; event: TransatelEvent } | { ok: false; error: EventParseError };

export function safeParseEvent(input: string | unknown): SafeEventParse {
  try {
    return { ok: true, event: parseEvent(input) };
  } catch (error) {
    if (error instanceof EventParseError) return { ok: false, error };
    throw error;
  }
}
