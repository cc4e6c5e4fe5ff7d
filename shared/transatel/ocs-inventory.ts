import { lazy } from '../lazy.js';
import * as z from '../zod.js';
import { encodeSegment, type TransatelHttp } from './http.js';
import { toBytes } from './units.js';
import { reportDrift, singleOrWrapped, tolerant, tolerantList, tolerantString, wrappedList } from './wire.js';

const BASE = '/ocs/inventory/api/subscriptions/products';

export const PRODUCT_SUBSCRIPTION_STATUSES = [
  'pending',
  'pendingForFirstUse',
  'readyForUse',
  'scheduled',
  'active',
  'suspended',
  'canceled',
  'expired',
  'terminated',
] as const;

/** The documented statuses, keyed by their letters alone: tenants write `pendingForFirstUse` or `PENDING_FOR_FIRST_USE`. */
const STATUS_BY_KEY = new Map<string, string>(
  PRODUCT_SUBSCRIPTION_STATUSES.map((status) => [status.replace(/[^a-z]/gi, '').toLowerCase(), status]),
);

/** A product subscription's status in its documented spelling; an undocumented one is kept as it came. */
export function normalizeProductStatus(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const known = STATUS_BY_KEY.get(raw.replace(/[^a-z]/gi, '').toLowerCase());
  if (known) return known;
  reportDrift('productSubscription.status', `unknown value '${raw}'`);
  return raw;
}

/** A balance is only read when it says what it counts and how much is left. */
const balanceWireSchema = lazy(() =>
  z.looseObject({
    resourceName: tolerantString('balance.resourceName'),
    resourceLabel: tolerantString('balance.resourceLabel'),
    resourceUnit: z.string(),
    resourceValue: z.coerce.number(),
    resourceStartValue: tolerant('balance.resourceStartValue', z.nullish(z.coerce.number())),
    resourceStartDate: tolerantString('balance.resourceStartDate'),
    resourceEndDate: tolerantString('balance.resourceEndDate'),
  }),
);

/** Nothing is required of an inventory item: what is unreadable is left out, the item is still shown. */
const productSubscriptionWireSchema = lazy(() =>
  z.looseObject({
    subscriptionId: tolerantString('productSubscription.subscriptionId'),
    status: tolerantString('productSubscription.status'),
    productDefinition: tolerant(
      'productSubscription.productDefinition',
      z.looseObject({
        productId: tolerantString('productDefinition.productId'),
        productCategory: tolerantString('productDefinition.productCategory'),
        tags: tolerantList('productDefinition.tags', z.string()),
        unlimited: tolerant('productDefinition.unlimited', z.nullish(z.boolean())),
      }),
    ),
    balances: tolerant(
      'productSubscription.balances',
      z.looseObject({ data: tolerantList('balances.data', balanceWireSchema()) }),
    ),
    subscriptionDate: tolerantString('productSubscription.subscriptionDate'),
    activationDate: tolerantString('productSubscription.activationDate'),
    expirationDate: tolerantString('productSubscription.expirationDate'),
    transactionReference: tolerantString('productSubscription.transactionReference'),
  }),
);

/** Data amounts in bytes. `unlimited` plans report -1 for total and remaining. */
export interface DataBalance {
  totalBytes: number;
  usedBytes: number;
  remainingBytes: number;
  unlimited: boolean;
}

export interface ResourceBalance extends DataBalance {
  resourceName: string | undefined;
  startDate: string | undefined;
  endDate: string | undefined;
}

export interface ProductSubscription {
  subscriptionId: string | undefined;
  productId: string | undefined;
  status: string | undefined;
  category: string | undefined;
  tags: string[];
  subscribedAt: string | undefined;
  activatedAt: string | undefined;
  expiresAt: string | undefined;
  transactionReference: string | undefined;
  /** Data balances only (SECOND and SMS resources are left out). */
  balances: ResourceBalance[];
  /** All data balances added up. */
  data: DataBalance;
}

function normalizeBalance(wire: z.infer<ReturnType<typeof balanceWireSchema>>): ResourceBalance | undefined {
  const remaining = toBytes(wire.resourceValue, wire.resourceUnit);
  if (remaining === undefined) return undefined;
  const start =
    wire.resourceStartValue == null ? remaining : (toBytes(wire.resourceStartValue, wire.resourceUnit) ?? -1);
  const unlimited = remaining === -1 || start === -1;
  return {
    resourceName: wire.resourceName,
    startDate: wire.resourceStartDate,
    endDate: wire.resourceEndDate,
    totalBytes: unlimited ? -1 : start,
    remainingBytes: unlimited ? -1 : remaining,
    // An unlimited resource reports -1 for both figures, so its consumption is not known from the balance.
    usedBytes: unlimited ? 0 : Math.max(0, start - remaining),
    unlimited,
  };
}

export function sumDataBalances(balances: readonly DataBalance[]): DataBalance {
  if (balances.some((balance) => balance.unlimited)) {
    const used = balances.reduce((sum, balance) => sum + balance.usedBytes, 0);
    return { totalBytes: -1, remainingBytes: -1, usedBytes: used, unlimited: true };
  }
  return balances.reduce<DataBalance>(
    (sum, balance) => ({
      totalBytes: sum.totalBytes + balance.totalBytes,
      usedBytes: sum.usedBytes + balance.usedBytes,
      remainingBytes: sum.remainingBytes + balance.remainingBytes,
      unlimited: false,
    }),
    { totalBytes: 0, usedBytes: 0, remainingBytes: 0, unlimited: false },
  );
}

const productSubscriptionSchema = lazy(() =>
  z.pipe(
    productSubscriptionWireSchema(),
    z.transform((wire): ProductSubscription => {
      const definition = wire.productDefinition;
      const balances = (wire.balances?.data ?? [])
        .map(normalizeBalance)
        .filter((balance): balance is ResourceBalance => balance !== undefined);
      const data = sumDataBalances(balances);
      const unlimited = data.unlimited || definition?.unlimited === true;
      return {
        subscriptionId: wire.subscriptionId,
        productId: definition?.productId,
        status: normalizeProductStatus(wire.status),
        category: definition?.productCategory,
        tags: definition?.tags ?? [],
        subscribedAt: wire.subscriptionDate,
        activatedAt: wire.activationDate,
        expiresAt: wire.expirationDate,
        transactionReference: wire.transactionReference,
        balances,
        data: unlimited ? { ...data, totalBytes: -1, remainingBytes: -1, unlimited: true } : data,
      };
    }),
  ),
);

const listResponseSchema = lazy(() => wrappedList('productSubscriptions', productSubscriptionSchema()));

const singleResponseSchema = lazy(() => singleOrWrapped('productSubscriptions', productSubscriptionSchema()));

/** OCS Inventory: the products on a subscriber, with balances. Addressed by MSISDN (digits only). */
export class OcsInventoryApi {
  constructor(private readonly http: TransatelHttp) {}

  listProducts(
    msisdn: string,
    options: { statuses?: readonly string[] } = {},
  ): Promise<ProductSubscription[]> {
    return this.http.call({
      operation: 'ocsInventory.listProducts',
      method: 'GET',
      path: BASE,
      query: { msisdn, withBalances: true, statuses: options.statuses },
      schema: listResponseSchema(),
      safety: 'read',
      // Some tenants answer 404 when the subscriber has no product.
      onNotFound: () => [],
    });
  }

  getProduct(subscriptionId: string): Promise<ProductSubscription> {
    return this.http.call({
      operation: 'ocsInventory.getProduct',
      method: 'GET',
      path: `${BASE}/${encodeSegment(subscriptionId)}`,
      query: { withBalances: true },
      schema: singleResponseSchema(),
      safety: 'read',
    });
  }

  /** The product ordered with this transactionReference, if any: how an ambiguous OCS order is reconciled. */
  async findByTransactionReference(
    msisdn: string,
    transactionReference: string,
  ): Promise<ProductSubscription | undefined> {
    const products = await this.listProducts(msisdn);
    return products.find((product) => product.transactionReference === transactionReference);
  }
}
