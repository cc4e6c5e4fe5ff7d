import * as z from 'zod';
import { encodeSegment, type TransatelHttp } from './http.js';
import { toBytes } from './units.js';
import { optionalString } from './wire.js';

const BASE = '/ocs/catalog/api';

const priceWireSchema = z
  .object({ amount: z.coerce.number(), currency: z.string(), unit: optionalString })
  .loose();

/** Transatel nests prices in arrays of arrays; take the first price found. */
const nestedPricesSchema = z
  .array(z.union([z.array(priceWireSchema), priceWireSchema]))
  .nullish()
  .transform((nested) => (nested ?? []).flat()[0]);

const productWireSchema = z
  .object({
    availability: z
      .object({ available: z.boolean().default(true) })
      .loose()
      .nullish(),
    canSubscribe: z
      .object({ allowed: z.boolean(), errorKey: optionalString, errorMessage: optionalString })
      .loose()
      .nullish(),
    display: z.object({ priority: z.coerce.number().nullish() }).loose().nullish(),
    prices: z
      .object({ subscriptionFee: nestedPricesSchema, renewalFee: nestedPricesSchema })
      .loose()
      .nullish(),
    productDefinition: z
      .object({
        productId: z.string().min(1),
        productCategory: optionalString,
        tags: z.array(z.string()).nullish(),
        countryList: z.array(z.string()).nullish(),
        allowances: z
          .object({
            data: z.object({ value: z.coerce.number(), unit: z.string() }).loose().nullish(),
          })
          .loose()
          .nullish(),
        unlimited: z.boolean().nullish(),
        validityPeriod: z
          .object({ validityDuration: z.coerce.number(), validityDurationUnit: z.string() })
          .loose()
          .nullish(),
        description: z
          .object({ productLabel: optionalString, productShortText: optionalString })
          .loose()
          .nullish(),
      })
      .loose(),
  })
  .loose();

export interface Money {
  /** Minor units (cents). */
  amountMinor: number;
  currency: string;
}

export interface CatalogProduct {
  productId: string;
  name: string;
  description: string | undefined;
  category: string | undefined;
  /** ISO-2 codes of the locations the plan covers. */
  countries: string[];
  /** ISO-3 codes, as Transatel also lists them. */
  countriesIso3: string[];
  price: Money | undefined;
  renewalPrice: Money | undefined;
  validity: { value: number; unit: string } | undefined;
  /** Data allowance in bytes; undefined when unlimited or not stated. */
  dataBytes: number | undefined;
  unlimited: boolean;
  available: boolean;
  priority: number | undefined;
  eligibility: Eligibility | undefined;
}

export interface Eligibility {
  allowed: boolean;
  reason: string | undefined;
  message: string | undefined;
}

function toMoney(price: z.infer<typeof priceWireSchema> | undefined): Money | undefined {
  if (!price) return undefined;
  const unit = price.unit?.toUpperCase();
  // CENT/CENTS: the amount is already in minor units. Anything else is taken as major units.
  const minor = unit === 'CENT' || unit === 'CENTS' ? price.amount : price.amount * 100;
  return { amountMinor: Math.round(minor), currency: price.currency.toUpperCase() };
}

const productSchema = productWireSchema.transform((wire): CatalogProduct => {
  const definition = wire.productDefinition;
  const data = definition.allowances?.data;
  const dataBytes = data ? toBytes(data.value, data.unit) : undefined;
  const unlimited = definition.unlimited === true || dataBytes === -1;
  return {
    productId: definition.productId,
    name: definition.description?.productLabel ?? definition.productId,
    description: definition.description?.productShortText,
    category: definition.productCategory,
    countries: (definition.tags ?? []).map((tag) => tag.toUpperCase()),
    countriesIso3: definition.countryList ?? [],
    price: toMoney(wire.prices?.subscriptionFee),
    renewalPrice: toMoney(wire.prices?.renewalFee),
    validity: definition.validityPeriod
      ? {
          value: definition.validityPeriod.validityDuration,
          unit: definition.validityPeriod.validityDurationUnit,
        }
      : undefined,
    dataBytes: unlimited ? undefined : dataBytes,
    unlimited,
    available: wire.availability?.available ?? true,
    priority: wire.display?.priority ?? undefined,
    eligibility: wire.canSubscribe
      ? {
          allowed: wire.canSubscribe.allowed,
          reason: wire.canSubscribe.errorKey,
          message: wire.canSubscribe.errorMessage,
        }
      : undefined,
  };
});

const listResponseSchema = z
  .object({ products: z.array(productSchema).nullish() })
  .loose()
  .transform((wire) => wire.products ?? []);

// Tenants differ: a product alone, or wrapped like the list.
const singleResponseSchema = z.union([
  productSchema,
  z
    .object({ products: z.array(productSchema).length(1) })
    .loose()
    .transform((wire) => wire.products[0] as CatalogProduct),
]);

export interface ListProductsQuery {
  /** ISO-2 country code: keep the products whose tags cover it. */
  country?: string;
  categories?: readonly string[];
  /** Defaults to true: only products currently available. */
  availableOnly?: boolean;
}

/** OCS Catalog: the plans of the configured COS. */
export class OcsCatalogApi {
  constructor(private readonly http: TransatelHttp) {}

  async listProducts(query: ListProductsQuery = {}): Promise<CatalogProduct[]> {
    const availableOnly = query.availableOnly ?? true;
    const products = await this.http.call({
      operation: 'ocsCatalog.listProducts',
      method: 'GET',
      path: `${BASE}/cos/${encodeSegment(this.http.settings.cos)}/products`,
      query: { availabilityStatus: availableOnly ? 'AVAILABLE' : undefined, categories: query.categories },
      schema: listResponseSchema,
      safety: 'read',
    });
    const country = query.country?.toUpperCase();
    // The API has no known tag filter, so the country filter is applied here.
    return products
      .filter((product) => !availableOnly || product.available)
      .filter((product) => country === undefined || product.countries.includes(country));
  }

  /** One product; with an MSISDN, `eligibility` says whether that subscriber may take it. */
  getProduct(productId: string, options: { msisdn?: string } = {}): Promise<CatalogProduct> {
    return this.http.call({
      operation: 'ocsCatalog.getProduct',
      method: 'GET',
      path: `${BASE}/cos/${encodeSegment(this.http.settings.cos)}/products/${encodeSegment(productId)}`,
      query: { msisdn: options.msisdn },
      schema: singleResponseSchema,
      safety: 'read',
    });
  }

  async checkEligibility(productId: string, msisdn: string): Promise<Eligibility> {
    const product = await this.getProduct(productId, { msisdn });
    return product.eligibility ?? { allowed: true, reason: undefined, message: undefined };
  }
}
