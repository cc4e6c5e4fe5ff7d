import type { FieldIssue } from './field-issues.js';
import { describeFieldIssues, HttpError, maxReportedIssues, problemTypes } from './problem.js';

/** The problem title clients branch on when a SIM already has an order that is not final. */
export const SIM_HAS_OPEN_ORDER = 'SIM_HAS_OPEN_ORDER';

/** A bulk item refused alone; `openOrderId` when its SIM has an open order. */
export interface BulkRejection {
  index: number;
  iccid?: string;
  errors: FieldIssue[];
  openOrderId?: string;
}

/** 409 for one order: the SIM's open order is named in the detail and in `openOrderId`. */
export function simHasOpenOrder(iccid: string, openOrderId: string): HttpError {
  return new HttpError(409, {
    type: problemTypes.simHasOpenOrder,
    title: SIM_HAS_OPEN_ORDER,
    detail: `SIM ${iccid} has an open order ${openOrderId} (GET /v1/orders/${openOrderId}); a new order is accepted once it is COMPLETED or FAILED`,
    extensions: { openOrderId },
  });
}

/** The bulk rejection of a SIM with an open order: alone in `rejected`, as an invalid SIM is. */
export function busySimRejection(index: number, iccid: string, openOrderId: string): BulkRejection {
  return {
    index,
    iccid,
    errors: [{ path: `body.sims[${index}].iccid`, message: `SIM has an open order ${openOrderId}` }],
    openOrderId,
  };
}

/**
 * 409 for a bulk request none of whose SIMs was taken, at least one because it has an open order
 * (an all-invalid request is a 400): `errors` lists every SIM's issues, as that 400 does, and
 * `rejected` is the list the 202 would have carried, with each busy SIM's `openOrderId`.
 */
export function noSimAccepted(rejected: readonly BulkRejection[]): HttpError {
  const errors = rejected.flatMap((rejection) => rejection.errors);
  return new HttpError(409, {
    type: problemTypes.simHasOpenOrder,
    title: SIM_HAS_OPEN_ORDER,
    detail: `No SIM of this request was accepted: ${describeFieldIssues(errors)}`,
    errors: errors.slice(0, maxReportedIssues),
    extensions: { rejected },
  });
}
