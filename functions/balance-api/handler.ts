import { iccidParamsSchema } from '#shared/api/requests/iccid.js';
import { HttpError, httpHandler, json } from '#shared/lambda/http.js';
import { callTransatel } from '#shared/lambda/transatel-errors.js';
import { ConnectivityApi } from '#shared/transatel/connectivity.js';
import { OcsInventoryApi, type ProductSubscription } from '#shared/transatel/ocs-inventory.js';
import { transatelApi } from '#shared/wiring/clients/transatel.js';

const connectivity = transatelApi(ConnectivityApi);
const ocsInventory = transatelApi(OcsInventoryApi);

function toPlanBalance(product: ProductSubscription) {
  return {
    subscriptionId: product.subscriptionId,
    planId: product.productId,
    status: product.status,
    activatedAt: product.activatedAt,
    expiresAt: product.expiresAt,
    data: product.data,
  };
}

/** GET /v1/sims/{iccid}/balance: the SIM's plans with data total / used / remaining in bytes. */
export const handler = httpHandler({ params: iccidParamsSchema }, async ({ params }) => {
  const { iccid } = params;
  const subscriber = await callTransatel(() => connectivity().getSubscriber(iccid));
  const { msisdn } = subscriber;
  if (!msisdn) {
    throw new HttpError(409, {
      title: 'SIM_NOT_ACTIVE',
      detail: `SIM ${iccid} has no MSISDN yet (status ${subscriber.status}): activate it before asking for its balance`,
    });
  }
  const products = await callTransatel(() => ocsInventory().listProducts(msisdn));
  return json(200, { iccid, msisdn, plans: products.map(toPlanBalance) });
});
