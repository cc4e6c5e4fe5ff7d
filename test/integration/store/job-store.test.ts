import { afterAll, beforeAll } from 'vitest';
import { DynamoJobStore, jobsTableDefinition } from '#shared/store/dynamo-job-store.js';
import { MemoryJobStore } from '#shared/store/memory-job-store.js';
import { type LocalDynamo, startLocalDynamo } from './dynalite-server.js';
import { describeJobStoreContract } from './job-store-contract.js';

let dynamo: LocalDynamo;
let tableCount = 0;

beforeAll(async () => {
  dynamo = await startLocalDynamo();
});
afterAll(async () => {
  await dynamo?.close();
});

describeJobStoreContract('DynamoJobStore on dynalite', async () => {
  tableCount += 1;
  const tableName = `jobs-test-${tableCount}`;
  await dynamo.createTable(jobsTableDefinition, tableName);
  return new DynamoJobStore({ client: dynamo.documentClient, tableName });
});

describeJobStoreContract('MemoryJobStore', async () => new MemoryJobStore());
