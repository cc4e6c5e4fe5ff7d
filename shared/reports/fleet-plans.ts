import type { ConnectivityApi } from '../transatel/connectivity.js';
import type { OcsInventoryApi, ProductSubscription } from '../transatel/ocs-inventory.js';
import type { SimRecord, SimSearchApi } from '../transatel/sim-search.js';

/**
 * The fleet's plans, SIM by SIM, read as the policy sweep reads them (shared/policies/sweep.ts): SIM Search page
 * by page, then one OCS Inventory call per SIM (a subscriber read first when the search gave no MSISDN), over an
 * HTTP layer paced to the caller's share of the rate limit. A deadline stops the reading between SIMs.
 */

export interface FleetReader {
  simSearch: Pick<SimSearchApi, 'all'>;
  connectivity: Pick<ConnectivityApi, 'getSubscriber'>;
  ocsInventory: Pick<OcsInventoryApi, 'listProducts'>;
}

export interface SimPlans {
  sim: SimRecord;
  msisdn: string;
  products: ProductSubscription[];
}

export interface FleetReadProgress {
  simsRead: number;
  /** False when the deadline stopped the reading before every SIM was read. */
  complete: boolean;
}

/** SIMs that hold no plan: never activated, or gone. Their inventory is not read. */
const WITHOUT_PLANS = new Set(['Available', 'Terminated']);

export async function* fleetPlans(
  transatel: FleetReader,
  deadline: number,
  progress: FleetReadProgress,
): AsyncGenerator<SimPlans> {
  for await (const sim of transatel.simSearch.all()) {
    if (WITHOUT_PLANS.has(sim.status)) continue;
    if (Date.now() >= deadline) {
      progress.complete = false;
      return;
    }
    const msisdn = sim.msisdn ?? (await transatel.connectivity.getSubscriber(sim.iccid)).msisdn;
    if (!msisdn) continue;
    const products = await transatel.ocsInventory.listProducts(msisdn);
    progress.simsRead += 1;
    yield { sim, msisdn, products };
  }
}
