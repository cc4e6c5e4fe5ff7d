import { createHmac } from 'node:crypto';
import { signBody } from './webhooks.js';

/**
 * Where Transatel's documentation is silent, the client and the simulator were written to the same guess.
 * A variant makes the simulator answer the other plausible way, so the client can be tried against it.
 * Response, event and signature shaping lives here, applied by the routes to the documented views;
 * the domain only asks `testMode` and `testModePlans` (see domain/subscribers.ts and domain/orders.ts).
 */
export const SIMULATOR_VARIANTS = ['documented', 'sparse', 'alternate', 'test-mode'] as const;
export type SimulatorVariant = (typeof SIMULATOR_VARIANTS)[number];

export function isSimulatorVariant(name: string): name is SimulatorVariant {
  return (SIMULATOR_VARIANTS as readonly string[]).includes(name);
}

/** What each variant changes, for `--help` and the README. */
export const variantDescriptions: Readonly<Record<SimulatorVariant, readonly string[]>> = {
  documented: ['nothing: the shapes of docs/transatel-wire-contract.md (the default)'],
  sparse: [
    'GET subscriber and SIM search records: only simSerial, msisdn, status',
    'OCS inventory: no transactionReference nor subscriptionDate',
    'OCS order and activate: 201 with an empty body',
    'subscriber events: only simSerial, status, source; OCS events: productSubscription without productId, status',
    'eSIM details: only simSerial, status, activationCode',
    'catalog products: availability, prices.subscriptionFee and the core of productDefinition only',
    'CDRs: dataSession has only originCountry and usage.total',
  ],
  alternate: [
    'webhook signature: the bare hex digest, without sha256=',
    'statuses in UPPER_SNAKE (subscriber, product subscription); transactionStatus in lowercase',
    'inventory list: one product as a single object; inventory and catalog single product wrapped in a list',
    'every write (activate, modify, suspend, reactivate, terminate, OCS order) answers 200, not 201',
    'bad client credentials: 400 invalid_client, not 401',
    'catalog in pages of 5 (page, size) with links self and next',
    'SIM search: group, externalReference, simType and unknown filters ignored',
    'CDRs: date and country filters ignored',
  ],
  'test-mode': [
    'activations complete to TestMode, not Active',
    'OCS subscribe on TestMode accepted, or refused after PATCH /_sim/config {"testModePlans":"refuse"}',
  ],
};

type Json = Record<string, unknown>;

/** The routes whose success the `write` hook shapes. */
export type WriteRoute = 'activate' | 'modify' | 'suspend' | 'reactivate' | 'terminate' | 'ocsOrder';

export interface WriteAnswer {
  status: number;
  /** undefined: no body at all (no content-type). */
  body?: Json;
}

export interface Variant {
  readonly name: SimulatorVariant;
  /** Activations complete to TestMode instead of Active. */
  readonly testMode: boolean;
  /** Status of the token route's invalid_client answer. */
  readonly badClientStatus: 400 | 401;
  /** Catalog page size when the request has no `size` (undefined: the whole catalog on one page). */
  readonly catalogPageSize: number | undefined;
  /** Catalog list answers carry `links` (self, next). */
  readonly catalogLinks: boolean;
  /**
   * SIM search filters skipped without a word; `simSearchUnknownFilters` says what happens to the other
   * unknown ones.
   */
  readonly simSearchIgnored: ReadonlySet<string>;
  readonly simSearchUnknownFilters: 'refuse' | 'ignore';
  /** CDR route: date and country filters honoured or ignored (the line filter always applies). */
  readonly usageFilters: 'honour' | 'ignore';
  subscriber(view: Json): Json;
  simRecord(view: Json): Json;
  transaction(view: Json): Json;
  write(route: WriteRoute, answer: { status: number; body: Json }): WriteAnswer;
  productSubscription(view: Json): Json;
  /** Value of `productSubscriptions` in the inventory list answer. */
  inventoryList(items: Json[]): unknown;
  /** Body of the inventory single answer. */
  inventoryItem(item: Json, currentLocale: string): unknown;
  catalogProduct(view: Json): Json;
  /** Body of the catalog single product answer. */
  catalogItem(item: Json, wrapper: { cos: string; currentLocale: string }): unknown;
  esim(view: Json): Json;
  cdr(view: Json): Json;
  /** Body of an emitted event (admin test events are sent as given). */
  event(type: string, body: Json): Json;
  /** Value of the X-TSL-Signature-256 header. */
  sign(secret: string, raw: string | Buffer): string;
}

/** The alternate signature: lowercase hex HMAC-SHA256(secret, exact raw body), no prefix. */
function hmacHex(secret: string, raw: string | Buffer): string {
  return createHmac('sha256', secret).update(raw).digest('hex');
}

const identity = <T>(value: T): T => value;

const DOCUMENTED: Variant = {
  name: 'documented',
  testMode: false,
  badClientStatus: 401,
  catalogPageSize: undefined,
  catalogLinks: false,
  simSearchIgnored: new Set(),
  simSearchUnknownFilters: 'refuse',
  usageFilters: 'honour',
  subscriber: identity,
  simRecord: identity,
  transaction: identity,
  write: (_route, answer) => answer,
  productSubscription: identity,
  inventoryList: identity,
  inventoryItem: identity,
  catalogProduct: identity,
  catalogItem: identity,
  esim: identity,
  cdr: identity,
  event: (_type, body) => body,
  sign: signBody,
};

function pick(obj: Json, keys: readonly string[]): Json {
  const out: Json = {};
  for (const key of keys) if (obj[key] !== undefined) out[key] = obj[key];
  return out;
}

function omit(obj: Json, keys: readonly string[]): Json {
  const out: Json = { ...obj };
  for (const key of keys) delete out[key];
  return out;
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const SUBSCRIBER_EVENT = 'CONNECTIVITY-MANAGEMENT/SUBSCRIBER/';
const isOcsEvent = (type: string) => type.startsWith('OCS/');

/** Applies `f` to body.productSubscription when the body has one. */
function withProductSubscription(body: Json, f: (ps: Json) => Json): Json {
  return isObject(body.productSubscription)
    ? { ...body, productSubscription: f(body.productSubscription) }
    : body;
}

const SPARSE_CATALOG_DEFINITION = [
  'productId',
  'productCategory',
  'tags',
  'allowances',
  'unlimited',
  'validityPeriod',
];

const SPARSE: Variant = {
  ...DOCUMENTED,
  name: 'sparse',
  subscriber: (view) => pick(view, ['simSerial', 'msisdn', 'status']),
  simRecord: (view) => pick(view, ['simSerial', 'msisdn', 'status']),
  write: (route, answer) =>
    route === 'activate' || route === 'ocsOrder' ? { status: answer.status } : answer,
  productSubscription: (view) => omit(view, ['transactionReference', 'subscriptionDate']),
  catalogProduct: (view) => {
    const out: Json = {};
    if (view.availability !== undefined) out.availability = view.availability;
    if (isObject(view.prices)) out.prices = pick(view.prices, ['subscriptionFee']);
    if (isObject(view.productDefinition)) {
      out.productDefinition = pick(view.productDefinition, SPARSE_CATALOG_DEFINITION);
    }
    return out;
  },
  esim: (view) => pick(view, ['simSerial', 'status', 'activationCode']),
  cdr: (view) => {
    const body = isObject(view.body) ? view.body : {};
    const session = isObject(body.dataSession) ? body.dataSession : {};
    const usage = isObject(session.usage) ? session.usage : {};
    return {
      ...view,
      body: { ...body, dataSession: { originCountry: session.originCountry, usage: { total: usage.total } } },
    };
  },
  event: (type, body) => {
    if (type.startsWith(SUBSCRIBER_EVENT)) return pick(body, ['simSerial', 'status', 'source']);
    if (isOcsEvent(type)) return withProductSubscription(body, (ps) => omit(ps, ['productId', 'status']));
    return body;
  },
};

/** 'Pre-Activated' -> 'PRE_ACTIVATED', 'TestMode' -> 'TEST_MODE', 'pendingForFirstUse' -> 'PENDING_FOR_FIRST_USE'. */
export function upperSnake(value: string): string {
  return value
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[\s-]+/g, '_')
    .toUpperCase();
}

function recase(obj: Json, key: string, f: (value: string) => string): Json {
  const value = obj[key];
  return typeof value === 'string' ? { ...obj, [key]: f(value) } : obj;
}

const lower = (value: string) => value.toLowerCase();

const ALTERNATE: Variant = {
  ...DOCUMENTED,
  name: 'alternate',
  badClientStatus: 400,
  catalogPageSize: 5,
  catalogLinks: true,
  simSearchIgnored: new Set(['group', 'externalReference', 'simType']),
  simSearchUnknownFilters: 'ignore',
  usageFilters: 'ignore',
  subscriber: (view) => recase(view, 'status', upperSnake),
  simRecord: (view) => recase(view, 'status', upperSnake),
  transaction: (view) => recase(view, 'transactionStatus', lower),
  write: (_route, answer) => ({
    status: answer.status === 201 ? 200 : answer.status,
    body: recase(answer.body, 'transactionStatus', lower),
  }),
  productSubscription: (view) => recase(view, 'status', upperSnake),
  inventoryList: (items) => (items.length === 1 ? items[0] : items),
  inventoryItem: (item, currentLocale) => ({ currentLocale, productSubscriptions: [item] }),
  catalogItem: (item, wrapper) => ({ ...wrapper, products: [item] }),
  event: (type, body) => {
    if (type.startsWith(SUBSCRIBER_EVENT)) return recase(body, 'status', upperSnake);
    if (isOcsEvent(type)) return withProductSubscription(body, (ps) => recase(ps, 'status', upperSnake));
    return body;
  },
  sign: hmacHex,
};

const TEST_MODE: Variant = { ...DOCUMENTED, name: 'test-mode', testMode: true };

const VARIANTS: Readonly<Record<SimulatorVariant, Variant>> = {
  documented: DOCUMENTED,
  sparse: SPARSE,
  alternate: ALTERNATE,
  'test-mode': TEST_MODE,
};

export function variantFor(name: SimulatorVariant): Variant {
  return VARIANTS[name];
}
