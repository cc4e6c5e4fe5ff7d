import { type OcsOrderType, ocsOrderTypes } from '../transatel/ocs-order-type.js';
import * as z from '../zod.js';
import { newOrderId, orderIdSchema } from './order-id.js';

/**
 * `NEEDS_REVIEW`: a plan purchase whose outcome Transatel cannot prove. The workflow stops there rather
 * than buy again; a person resolves it (POST /v1/orders/{orderId}/resolve), or evidence from Transatel
 * (the plan's OCS event) settles it.
 */
export const orderStatuses = [
  'RECEIVED',
  'ACTIVATING',
  'ACTIVE',
  'NEEDS_REVIEW',
  'COMPLETED',
  'FAILED',
] as const;
export const orderStatusSchema = z.enum(orderStatuses);
export type OrderStatus = z.output<typeof orderStatusSchema>;

/** Orders in these states never move again. */
export const terminalStatuses: readonly OrderStatus[] = ['COMPLETED', 'FAILED'];

export function isTerminal(status: OrderStatus): boolean {
  return terminalStatuses.includes(status);
}

/** How a person settles an order held for review: see shared/workflow/review.ts. */
export const reviewOutcomes = ['subscribed', 'retry', 'abandon'] as const;
export type ReviewOutcome = (typeof reviewOutcomes)[number];

/** Orders the workflow is done with: terminal, or waiting for a person. What a caller waits for. */
export const settledStatuses: readonly OrderStatus[] = [...terminalStatuses, 'NEEDS_REVIEW'];

export function isSettled(status: OrderStatus): boolean {
  return settledStatuses.includes(status);
}

/** `activation`: activate the SIM, then order the plan if one was asked for. `plan`: order a plan only. */
export const orderKindSchema = z.enum(['activation', 'plan']);
export type OrderKind = z.output<typeof orderKindSchema>;

export const ocsOrderTypeSchema = z.enum(ocsOrderTypes);
export type { OcsOrderType };

const isoTimestamp = z.iso.datetime();

/** Stored ICCIDs are digits only; the API validates length and check digit before an order exists. */
export const storedIccidSchema = z.string().check(z.regex(/^[0-9]{13,20}$/, 'must be 13 to 20 digits'));

export const orderOptionSchema = z.object({
  name: z.string().check(z.minLength(1), z.maxLength(100)),
  value: z.string().check(z.minLength(1), z.maxLength(100)),
});
export type OrderOption = z.output<typeof orderOptionSchema>;

export const orderFailureSchema = z.object({
  /** Stable machine code, e.g. Transatel's error title or `ACTIVATION_DEADLINE_PASSED`. */
  code: z.string().check(z.minLength(1), z.maxLength(200)),
  detail: z.string().check(z.maxLength(2000)),
});
export type OrderFailure = z.output<typeof orderFailureSchema>;

export const timelineEntrySchema = z.object({
  status: orderStatusSchema,
  at: isoTimestamp,
  note: z.optional(z.string().check(z.maxLength(1000))),
});
export type TimelineEntry = z.output<typeof timelineEntrySchema>;

const counter = z.number().check(z.int(), z.nonnegative());

/** How often each step ran for this order: for backoff, deadlines and post-mortems. */
export const orderAttemptsSchema = z.object({
  activationCalls: z.optional(counter),
  statusPolls: z.optional(counter),
  subscriptionCalls: z.optional(counter),
  reconciliations: z.optional(counter),
});
export type OrderAttempts = z.output<typeof orderAttemptsSchema>;
export type AttemptCounter = keyof OrderAttempts;

export const orderSchema = z.object({
  orderId: orderIdSchema,
  kind: orderKindSchema,
  iccid: storedIccidSchema,
  planId: z.optional(z.string().check(z.minLength(1), z.maxLength(200))),
  options: z.optional(z.array(orderOptionSchema)),
  reference: z.optional(z.string().check(z.minLength(1), z.maxLength(255))),
  group: z.optional(z.string().check(z.minLength(1), z.maxLength(255))),
  status: orderStatusSchema,
  transactionId: z.optional(z.string().check(z.minLength(1), z.maxLength(200))),
  msisdn: z.optional(z.string().check(z.regex(/^[0-9]{6,15}$/, 'must be 6 to 15 digits'))),
  subscriptionId: z.optional(z.string().check(z.minLength(1), z.maxLength(200))),
  orderType: z.optional(ocsOrderTypeSchema),
  failure: z.optional(orderFailureSchema),
  /**
   * Set when a plan worker claims the paid plan order, cleared when it completes or releases
   * the claim: while present, an ambiguous outcome must be reconciled against the inventory first.
   */
  planClaimedAt: z.optional(isoTimestamp),
  timeline: z.array(timelineEntrySchema).check(z.minLength(1)),
  attempts: z._default(orderAttemptsSchema, {}),
  /** Starts at 1; every transition adds 1. */
  version: z.number().check(z.int(), z.positive()),
  createdAt: isoTimestamp,
  updatedAt: isoTimestamp,
  idempotencyKey: z.optional(z.string().check(z.minLength(1), z.maxLength(255))),
  /** A top-up ordered by a policy (auto top-up): which one. The trigger is in the first timeline entry. */
  policyId: z.optional(z.string().check(z.minLength(1), z.maxLength(64))),
  /**
   * An activation whose SIM is expected to be Available (a bulk roll-out): the activation step asks Transatel to
   * activate it straight away, and looks at the SIM only if Transatel refuses (one call fewer per order).
   */
  activateFirst: z.optional(z.literal(true)),
  requestHash: z.optional(z.string().check(z.minLength(1), z.maxLength(200))),
});
export type Order = z.output<typeof orderSchema>;

const { shape } = orderSchema;
export const orderChangesSchema = z.strictObject({
  planId: shape.planId,
  options: shape.options,
  reference: shape.reference,
  group: shape.group,
  transactionId: shape.transactionId,
  msisdn: shape.msisdn,
  subscriptionId: shape.subscriptionId,
  orderType: shape.orderType,
  failure: shape.failure,
  planClaimedAt: shape.planClaimedAt,
  // Not `shape.attempts`: its default would turn "not given" into "reset to {}".
  attempts: z.optional(orderAttemptsSchema),
});
/** Fields a transition may set; a field present with value `undefined` is removed. */
export type OrderChanges = z.output<typeof orderChangesSchema>;
export type MutableOrderField = keyof OrderChanges;

export interface NewOrderInput {
  kind: OrderKind;
  iccid: string;
  orderId?: string;
  planId?: string;
  options?: OrderOption[];
  reference?: string;
  group?: string;
  idempotencyKey?: string;
  requestHash?: string;
  policyId?: string;
  activateFirst?: true;
  note?: string;
}

/** A fresh RECEIVED order (version 1), validated. */
export function newOrder(input: NewOrderInput, now: Date = new Date()): Order {
  const at = now.toISOString();
  const { note, orderId, ...fields } = input;
  return orderSchema.parse({
    ...fields,
    orderId: orderId ?? newOrderId(now.getTime()),
    status: 'RECEIVED',
    timeline: [{ status: 'RECEIVED', at, ...(note === undefined ? {} : { note }) }],
    attempts: {},
    version: 1,
    createdAt: at,
    updatedAt: at,
  });
}
