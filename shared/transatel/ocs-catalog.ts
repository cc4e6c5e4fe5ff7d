import { lazy } from '../lazy.js';
import * as z from '../zod.js';
import { encodeSegment, type QueryValue, type TransatelHttp } from './http.js';
import { toBytes } from './units.js';
import { optionalString, singleOrWrapped, tolerantList } from './wire.js';

const BASE = '/ocs/catalog/api';

const priceWireSchema = lazy(() =>
  z.looseObject({
    amount: z.coerce.number(),
    currency: z.string(),
    unit: optionalString,
  }),
);

/** Transatel nests prices in arrays of arrays; take the first price found. */
const nestedPricesSchema = lazy(() =>
  z.pipe(
    z.nullish(z.array(z.union([z.array(priceWireSchema()), priceWireSchema()]))),
    z.transform((nested) => (nested ?? []).flat()[0]),
  ),
);

const productWireSchema = lazy(() =>
  z.looseObject({
    availability: z.nullish(z.looseObject({ available: z._default(z.boolean(), true) })),
    canSubscribe: z.nullish(
      z.looseObject({ allowed: z.boolean(), errorKey: optionalString, errorMessage: optionalString }),
    ),
    display: z.nullish(z.looseObject({ priority: z.nullish(z.coerce.number()) })),
    prices: z.nullish(
      z.looseObject({ subscriptionFee: nestedPricesSchema(), renewalFee: nestedPricesSchema() }),
    ),
    productDefinition: z.looseObject({
      productId: z.string().check(z.minLength(1)),
      productCategory: optionalString,
      tags: z.nullish(z.array(z.string())),
      countryList: z.nullish(z.array(z.string())),
      allowances: z.nullish(
        z.looseObject({
          data: z.nullish(z.looseObject({ value: z.coerce.number(), unit: z.string() })),
        }),
      ),
      unlimited: z.nullish(z.boolean()),
      validityPeriod: z.nullish(
        z.looseObject({ validityDuration: z.coerce.number(), validityDurationUnit: z.string() }),
      ),
      description: z.nullish(
        z.looseObject({ productLabel: optionalString, productShortText: optionalString }),
      ),
    }),
  }),
);

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

function toMoney(price: z.infer<ReturnType<typeof priceWireSchema>> | undefined): Money | undefined {
  if (!price) return undefined;
  const unit = price.unit?.toUpperCase();
  // CENT/CENTS: the amount is already in minor units. Anything else is taken as major units.
  const minor = unit === 'CENT' || unit === 'CENTS' ? price.amount : price.amount * 100;
  return { amountMinor: Math.round(minor), currency: price.currency.toUpperCase() };
}

const productSchema = lazy(() =>
  z.pipe(
    productWireSchema(),
    z.transform((wire): CatalogProduct => {
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
    }),
  ),
);

/** A page of the catalogue: its products (a malformed one is skipped and reported) and the next page's link. */
const listResponseSchema = lazy(() =>
  z.looseObject({
    products: tolerantList('catalog.products', productSchema()),
    links: tolerantList(
      'catalog.links',
      z.looseObject({ rel: z.string(), href: z.string().check(z.minLength(1)) }),
    ),
  }),
);

/** A catalogue of more pages than this is taken as a paging loop, not as a catalogue. */
const MAX_CATALOG_PAGES = 100;

const singleResponseSchema = lazy(() => singleOrWrapped('products', productSchema()));

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

  /** Every product of the COS, following the answer's `next` links page after page. */
  async listProducts(query: ListProductsQuery = {}): Promise<CatalogProduct[]> {
    const availableOnly = query.availableOnly ?? true;
    const products: CatalogProduct[] = [];
    const seen = new Set<string>();
    let request: { path: string; query?: Record<string, QueryValue> } = {
      path: `${BASE}/cos/${encodeSegment(this.http.settings.cos)}/products`,
      query: { availabilityStatus: availableOnly ? 'AVAILABLE' : undefined, categories: query.categories },
    };
    for (let page = 1; ; page++) {
      const answer = await this.http.call({
        operation: 'ocsCatalog.listProducts',
        method: 'GET',
        ...request,
        schema: listResponseSchema(),
        safety: 'read',
      });
      for (const product of answer.products) {
        // A product repeated across pages (the catalogue changed while we read it) is listed once.
        if (seen.has(product.productId)) continue;
        seen.add(product.productId);
        products.push(product);
      }
      const next = answer.links.find((link) => link.rel.toLowerCase() === 'next')?.href;
      const nextPath = next === undefined ? undefined : this.http.relativePath(next);
      if (nextPath === undefined || page >= MAX_CATALOG_PAGES) break;
      request = { path: nextPath };
    }
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
      schema: singleResponseSchema(),
      safety: 'read',
    });
  }

  async checkEligibility(productId: string, msisdn: string): Promise<Eligibility> {
    const product = await this.getProduct(productId, { msisdn });
    return product.eligibility ?? { allowed: true, reason: undefined, message: undefined };
  }
}
