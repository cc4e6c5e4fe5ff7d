import { MemoryOrderStore } from '../../../shared/store/memory-order-store.js';
import { describeOrderStoreContract } from './order-store-contract.js';

const store = new MemoryOrderStore();

describeOrderStoreContract('MemoryOrderStore', () => store);
