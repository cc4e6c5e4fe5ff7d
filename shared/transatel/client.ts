import { resolveClientConfig, type TransatelClientConfig } from './config.js';
import { ConnectivityApi } from './connectivity.js';
import { EsimApi } from './esim.js';
import { TransatelHttp } from './http.js';
import { NetworkUsageApi } from './network-usage.js';
import { OcsCatalogApi } from './ocs-catalog.js';
import { OcsInventoryApi } from './ocs-inventory.js';
import { OcsSubscriptionsApi } from './ocs-subscriptions.js';
import { SimSearchApi } from './sim-search.js';

/** The one Transatel client: every API of the offer over one HTTP layer and one token. */
export interface TransatelClient {
  connectivity: ConnectivityApi;
  simSearch: SimSearchApi;
  ocsSubscriptions: OcsSubscriptionsApi;
  ocsInventory: OcsInventoryApi;
  ocsCatalog: OcsCatalogApi;
  esim: EsimApi;
  networkUsage: NetworkUsageApi;
  /** Token requests sent so far by this client (each attempt counts). */
  readonly tokenRequests: number;
}

export function createTransatelClient(config: TransatelClientConfig): TransatelClient {
  const http = new TransatelHttp(resolveClientConfig(config));
  return {
    connectivity: new ConnectivityApi(http),
    simSearch: new SimSearchApi(http),
    ocsSubscriptions: new OcsSubscriptionsApi(http),
    ocsInventory: new OcsInventoryApi(http),
    ocsCatalog: new OcsCatalogApi(http),
    esim: new EsimApi(http),
    networkUsage: new NetworkUsageApi(http),
    get tokenRequests() {
      return http.tokens.tokenRequests;
    },
  };
}
