import * as z from '../zod.js';
import { compact } from './connectivity.js';
import type { TransatelHttp } from './http.js';

const PATH = '/ocs/subscriptions/api/orders/products';

/** preload: on a Pre-activated SIM, starts when the SIM activates. subscribe: on an Active SIM. */
export type OcsOrderType = 'preload' | 'subscribe';

export interface OcsOrderRequest {
  msisdn: string;
  productId: string;
  orderType: OcsOrderType;
  /** Our id for the order (≤255 chars), echoed back as `externalReference` in OCS events. */
  transactionReference?: string;
}

export interface OcsOrderResult {
  orderId: string;
  subscriptionId: string;
  status: string;
  transactionReference: string | undefined;
}

const orderResponseSchema = z.pipe(
  z.looseObject({
    id: z.string().check(z.minLength(1)),
    status: z._default(z.string(), 'done'),
    subscriptionId: z.pipe(
      z.nullish(z.string()),
      z.transform((value) => value || undefined),
    ),
    transactionReference: z.pipe(
      z.nullish(z.string()),
      z.transform((value) => value || undefined),
    ),
  }),
  z.transform(
    (wire): OcsOrderResult => ({
      orderId: wire.id,
      // Some tenants omit subscriptionId: the order id then identifies the subscription.
      subscriptionId: wire.subscriptionId ?? wire.id,
      status: wire.status,
      transactionReference: wire.transactionReference,
    }),
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
      schema: orderResponseSchema,
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
