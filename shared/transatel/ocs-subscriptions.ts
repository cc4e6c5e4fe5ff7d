import { lazy } from '../lazy.js';
import * as z from '../zod.js';
import { compact } from './connectivity.js';
import type { TransatelHttp } from './http.js';
import type { OcsOrderType } from './ocs-order-type.js';
import { tolerantString, totalObject } from './wire.js';

const PATH = '/ocs/subscriptions/api/orders/products';

export interface OcsOrderRequest {
  msisdn: string;
  productId: string;
  orderType: OcsOrderType;
  /** Our id for the order (≤255 chars), echoed back as `externalReference` in OCS events. */
  transactionReference?: string;
}

/**
 * What an OCS order answered. A 2xx means Transatel took the order (and charged it), whatever the body
 * says: the ids are what we could read of it, and may be absent (then the inventory tells the rest).
 */
export interface OcsOrderResult {
  orderId: string | undefined;
  /** The product subscription created; some tenants only send the order id, which then identifies it. */
  subscriptionId: string | undefined;
  status: string | undefined;
  transactionReference: string | undefined;
}

const orderResponseSchema = lazy(() =>
  z.pipe(
    totalObject('ocsOrder', {
      id: tolerantString('ocsOrder.id'),
      status: tolerantString('ocsOrder.status'),
      subscriptionId: tolerantString('ocsOrder.subscriptionId'),
      transactionReference: tolerantString('ocsOrder.transactionReference'),
    }),
    z.transform(
      (wire): OcsOrderResult => ({
        orderId: wire.id,
        subscriptionId: wire.subscriptionId ?? wire.id,
        status: wire.status,
        transactionReference: wire.transactionReference,
      }),
    ),
  ),
);

/** OCS Subscription: puts a product (a capped plan) on a subscriber. Each call costs money. */
export class OcsSubscriptionsApi {
  constructor(private readonly http: TransatelHttp) {}

  /**
   * Never retried on an ambiguous failure: a TransatelUnknownOutcomeError means the caller must look in
   * the inventory for the product (by transactionReference) before ordering again.
   */
  order(request: OcsOrderRequest): Promise<OcsOrderResult> {
    const settings = this.http.settings;
    return this.http.call({
      operation: `ocsSubscriptions.${request.orderType}`,
      method: 'POST',
      path: PATH,
      body: compact({
        bind: { msisdn: request.msisdn },
        product: { productId: request.productId },
        payment: { provider: settings.paymentProvider },
        orderType: request.orderType,
        mvnoRef: settings.mvnoRef,
        source: 'api',
        transactionReference: request.transactionReference,
      }),
      schema: orderResponseSchema(),
      safety: 'write',
    });
  }

  preload(request: Omit<OcsOrderRequest, 'orderType'>): Promise<OcsOrderResult> {
    return this.order({ ...request, orderType: 'preload' });
  }

  subscribe(request: Omit<OcsOrderRequest, 'orderType'>): Promise<OcsOrderResult> {
    return this.order({ ...request, orderType: 'subscribe' });
  }
}
