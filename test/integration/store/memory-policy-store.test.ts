import { MemoryPolicyStore } from '#shared/store/memory-policy-store.js';
import { describePolicyStoreContract } from './policy-store-contract.js';

describePolicyStoreContract('MemoryPolicyStore', async () => new MemoryPolicyStore());
