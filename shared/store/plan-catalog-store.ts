import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import * as z from '../zod.js';
import { catalogTableDefinition } from './catalog-table.js';

/** The plan ids of the catalogue as catalog-sync last read them from Transatel. */
export const planCatalogSnapshotSchema = z.object({
  /** The COS they were read from. */
  cos: z.string().check(z.minLength(1)),
  planIds: z.array(z.string().check(z.minLength(1))).check(z.minLength(1)),
  fetchedAt: z.iso.datetime(),
});
export type PlanCatalogSnapshot = z.output<typeof planCatalogSnapshotSchema>;

const PLANS_KEY = 'plans';
const keyName = catalogTableDefinition.partitionKey.name;

export interface PlanCatalogStore {
  /** The last snapshot, or undefined if none was ever written. */
  read(): Promise<PlanCatalogSnapshot | undefined>;
  write(snapshot: PlanCatalogSnapshot): Promise<void>;
}

export class DynamoPlanCatalogStore implements PlanCatalogStore {
  constructor(private readonly options: { client: DynamoDBDocumentClient; tableName: string }) {}

  async read(): Promise<PlanCatalogSnapshot | undefined> {
    const { Item } = await this.options.client.send(
      new GetCommand({ TableName: this.options.tableName, Key: { [keyName]: PLANS_KEY } }),
    );
    if (!Item) return undefined;
    const { [keyName]: _key, ...snapshot } = Item;
    return planCatalogSnapshotSchema.parse(snapshot);
  }

  async write(snapshot: PlanCatalogSnapshot): Promise<void> {
    await this.options.client.send(
      new PutCommand({
        TableName: this.options.tableName,
        Item: { [keyName]: PLANS_KEY, ...planCatalogSnapshotSchema.parse(snapshot) },
      }),
    );
  }
}

/** The in-memory store: tests and the local tools. */
export class MemoryPlanCatalogStore implements PlanCatalogStore {
  private snapshot: PlanCatalogSnapshot | undefined;

  async read(): Promise<PlanCatalogSnapshot | undefined> {
    return this.snapshot;
  }

  async write(snapshot: PlanCatalogSnapshot): Promise<void> {
    this.snapshot = planCatalogSnapshotSchema.parse(snapshot);
  }
}

/**
 * Stores the plan ids of `products` (deduplicated, sorted) as the catalogue's copy. An empty list is refused,
 * keeping the last copy: it would make the ordering APIs turn every plan away.
 */
export async function copyPlanCatalog(input: {
  products: readonly { productId: string }[];
  cos: string;
  store: PlanCatalogStore;
  now: Date;
}): Promise<PlanCatalogSnapshot> {
  const planIds = [...new Set(input.products.map((product) => product.productId))].sort();
  if (planIds.length === 0) throw new Error('Transatel listed no available product: the last copy is kept');
  const snapshot = { cos: input.cos, planIds, fetchedAt: input.now.toISOString() };
  await input.store.write(snapshot);
  return snapshot;
}
