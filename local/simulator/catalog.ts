import { EU_ZONE, iso3Of, NA_ZONE, WORLD_ZONE } from './countries.js';

export type ProductCategory = 'One-off' | 'Recurring' | 'Add-on';
export type DataUnit = 'KB' | 'MB' | 'GB';

export interface ProductDef {
  productId: string;
  category: ProductCategory;
  tags: string[];
  data?: { value: number; unit: DataUnit };
  unlimited: boolean;
  validity: { validityDuration: number; validityDurationUnit: 'days' | 'months' };
  priceCents: number;
  available: boolean;
  priority: number;
  label: string;
}

export interface CanSubscribe {
  allowed: boolean;
  errorKey: string | null;
  errorMessage: string | null;
}

export const ELIGIBLE: CanSubscribe = { allowed: true, errorKey: null, errorMessage: null };

const UNIT_BYTES: Record<DataUnit, number> = { KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3 };

type ProductSeed = [
  id: string,
  category: ProductCategory,
  tags: string[],
  data: [number, DataUnit] | 'unlimited',
  validity: [number, 'days' | 'months'],
  priceCents: number,
  label: string,
];

const SEEDS: ProductSeed[] = [
  ['IOTC_CAPPED_EU_1GB_1M', 'Recurring', EU_ZONE, [1, 'GB'], [1, 'months'], 500, 'Europe 1 GB monthly'],
  ['IOTC_CAPPED_EU_5GB_1M', 'Recurring', EU_ZONE, [5, 'GB'], [1, 'months'], 1500, 'Europe 5 GB monthly'],
  ['IOTC_CAPPED_EU_20GB_12M', 'Recurring', EU_ZONE, [20, 'GB'], [12, 'months'], 9900, 'Europe 20 GB yearly'],
  [
    'IOTC_CAPPED_NA_1GB_1M',
    'Recurring',
    NA_ZONE,
    [1, 'GB'],
    [1, 'months'],
    800,
    'North America 1 GB monthly',
  ],
  [
    'IOTC_CAPPED_NA_10GB_12M',
    'Recurring',
    NA_ZONE,
    [10, 'GB'],
    [12, 'months'],
    7900,
    'North America 10 GB yearly',
  ],
  ['IOTC_CAPPED_FR_500MB_1M', 'Recurring', ['FR'], [500, 'MB'], [1, 'months'], 200, 'France 500 MB monthly'],
  ['IOTC_CAPPED_FR_5GB_12M', 'Recurring', ['FR'], [5, 'GB'], [12, 'months'], 2900, 'France 5 GB yearly'],
  ['IOTC_CAPPED_WW_1GB_1M', 'Recurring', WORLD_ZONE, [1, 'GB'], [1, 'months'], 1200, 'World 1 GB monthly'],
  [
    'IOTC_CAPPED_WW_10GB_12M',
    'Recurring',
    WORLD_ZONE,
    [10, 'GB'],
    [12, 'months'],
    11900,
    'World 10 GB yearly',
  ],
  [
    'IOTC_CAPPED_EU_UNLIMITED_1M',
    'Recurring',
    EU_ZONE,
    'unlimited',
    [1, 'months'],
    3900,
    'Europe unlimited monthly',
  ],
  ['IOTC_CAPPED_EU_1GB_30D', 'One-off', EU_ZONE, [1, 'GB'], [30, 'days'], 600, 'Europe 1 GB top-up, 30 days'],
  [
    'IOTC_CAPPED_EU_500MB_7D',
    'One-off',
    EU_ZONE,
    [500, 'MB'],
    [7, 'days'],
    300,
    'Europe 500 MB top-up, 7 days',
  ],
  [
    'IOTC_CAPPED_NA_1GB_30D',
    'One-off',
    NA_ZONE,
    [1, 'GB'],
    [30, 'days'],
    900,
    'North America 1 GB top-up, 30 days',
  ],
  [
    'IOTC_CAPPED_FR_100MB_7D',
    'One-off',
    ['FR'],
    [100, 'MB'],
    [7, 'days'],
    100,
    'France 100 MB top-up, 7 days',
  ],
  ['IOTC_CAPPED_DE_1GB_30D', 'One-off', ['DE'], [1, 'GB'], [30, 'days'], 500, 'Germany 1 GB top-up, 30 days'],
  [
    'IOTC_CAPPED_WW_3GB_30D',
    'One-off',
    WORLD_ZONE,
    [3, 'GB'],
    [30, 'days'],
    2500,
    'World 3 GB top-up, 30 days',
  ],
];

/** Withdrawn from sale: only visible without availabilityStatus=AVAILABLE. */
const LEGACY: ProductSeed = [
  'IOTC_CAPPED_EU_2GB_1M_LEGACY',
  'Recurring',
  EU_ZONE,
  [2, 'GB'],
  [1, 'months'],
  700,
  'Europe 2 GB monthly (legacy)',
];

function toDef(seed: ProductSeed, priority: number, available: boolean): ProductDef {
  const [productId, category, tags, data, validity, priceCents, label] = seed;
  return {
    productId,
    category,
    tags: [...tags],
    ...(data === 'unlimited' ? {} : { data: { value: data[0], unit: data[1] } }),
    unlimited: data === 'unlimited',
    validity: { validityDuration: validity[0], validityDurationUnit: validity[1] },
    priceCents,
    available,
    priority,
    label,
  };
}

export function buildCatalog(): ProductDef[] {
  return [...SEEDS.map((s, i) => toDef(s, i + 1, true)), toDef(LEGACY, SEEDS.length + 1, false)];
}

/** Granted data in bytes, or null for an unlimited product. */
export function allowanceBytes(def: ProductDef): number | null {
  if (def.unlimited || !def.data) return null;
  return def.data.value * UNIT_BYTES[def.data.unit];
}

export function addValidity(fromIso: string, def: ProductDef): string {
  const d = new Date(fromIso);
  const { validityDuration, validityDurationUnit } = def.validity;
  if (validityDurationUnit === 'months') d.setUTCMonth(d.getUTCMonth() + validityDuration);
  else d.setUTCDate(d.getUTCDate() + validityDuration);
  return d.toISOString();
}

function euros(cents: number): string {
  return `${(cents / 100).toFixed(2)} EUR`;
}

function allowanceText(def: ProductDef): string {
  return def.data ? `${def.data.value} ${def.data.unit} of data` : 'Unlimited data';
}

function validityText(def: ProductDef): string {
  const { validityDuration: n, validityDurationUnit: unit } = def.validity;
  return `${n} ${n === 1 ? unit.slice(0, -1) : unit}`;
}

export function productDefinitionView(def: ProductDef): Record<string, unknown> {
  return {
    productId: def.productId,
    productCategory: def.category,
    tags: [...def.tags],
    countryList: def.tags.map(iso3Of),
    allowances: def.data ? { data: { ...def.data } } : {},
    unlimited: def.unlimited,
    validityPeriod: { ...def.validity },
    parentProductIds: [],
    description: {
      productLabel: def.label,
      productShortText: `${allowanceText(def)}, ${validityText(def)}`,
      productDetails: `${def.label}. Capped: data stops when the allowance is used.`,
      productAllowances: allowanceText(def),
      productPrice: euros(def.priceCents),
      productValidityPeriod: validityText(def),
    },
  };
}

export function productDetailsView(def: ProductDef, canSubscribe: CanSubscribe): Record<string, unknown> {
  const fee = [[{ amount: def.priceCents, currency: 'EUR', unit: 'CENT' }]];
  return {
    availability: def.available
      ? { available: true, startDate: '2024-01-01T00:00:00Z' }
      : { available: false, startDate: '2023-01-01T00:00:00Z', endDate: '2024-01-01T00:00:00Z' },
    canSubscribe: { ...canSubscribe },
    display: { priority: def.priority },
    hasSubProducts: false,
    inventoryActive: true,
    prices:
      def.category === 'Recurring' ? { subscriptionFee: fee, renewalFee: fee } : { subscriptionFee: fee },
    productDefinition: productDefinitionView(def),
  };
}
