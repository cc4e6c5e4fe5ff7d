import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import dynalite from 'dynalite';
import { waitUntilTableActive } from '#local/provision.js';
import { createTableInput, type TableDefinition } from '#shared/store/table-definition.js';
import { documentClientOf } from '#shared/wiring/clients/document-client.js';

/** Dummy identity: nothing here may ever reach real AWS. */
const localAws = {
  region: 'us-east-1',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
} as const;

export interface LocalDynamo {
  endpoint: string;
  documentClient: DynamoDBDocumentClient;
  createTable(definition: TableDefinition, tableName: string): Promise<void>;
  close(): Promise<void>;
}

/** An in-memory dynalite on a free port of 127.0.0.1. */
export async function startLocalDynamo(): Promise<LocalDynamo> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  const rawClient = new DynamoDBClient({ ...localAws, endpoint });
  const documentClient = documentClientOf(rawClient);

  return {
    endpoint,
    documentClient,
    async createTable(definition, tableName) {
      await rawClient.send(new CreateTableCommand(createTableInput(definition, tableName)));
      await waitUntilTableActive(rawClient, tableName);
    },
    async close() {
      rawClient.destroy();
      await new Promise<void>((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      );
    },
  };
}
