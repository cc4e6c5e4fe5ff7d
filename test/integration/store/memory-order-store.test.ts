import { MemoryOrderStore } from '#shared/store/memory-order-store.js';
import { describeOrderStoreContract } from './order-store-contract.js';

const store = new MemoryOrderStore();

describeOrderStoreContract('MemoryOrderStore', () => store, {
  async plantSimMarker(iccid, openOrderId) {
    store.simMarkers.set(iccid, { openOrderId, since: new Date().toISOString() });
  },
  async simMarkerHolder(iccid) {
    return store.simMarkers.get(iccid)?.openOrderId;
  },
});
