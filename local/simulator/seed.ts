import { addValidity, allowanceBytes, type ProductDef } from './catalog.js';
import { networkOf } from './countries.js';
import { iccidFor, imsiFor, luhnCheckDigit, msisdnFor, SIM_CATEGORIES, simTypeOf } from './ids.js';
import { defaultOptions } from './options.js';
import { pick, pickDistinct, type Rng, randInt, randomDigits, rngFor, seededUuid } from './rng.js';
import {
  type Cdr,
  type EsimProfile,
  type EsimStatus,
  type ProductSubscription,
  type Sim,
  SimState,
} from './state.js';
import type { SimCategory, SubscriberStatus } from './types.js';

export const DEFAULT_SIM_COUNTS: Readonly<Record<SimCategory, number>> = {
  available: 1000,
  'available-esim': 100,
  preactivated: 100,
  'preactivated-esim': 50,
  active: 100,
  'active-esim': 50,
  suspended: 20,
  'suspended-esim': 10,
  terminated: 10,
};

export const SMDP_ADDRESS = 'smdp.local.transatel.test';
export const DEFAULT_APN = 'iot.transatel.com';

/** Recurring multi-country plans the seeded Active SIMs (even index) start with. */
const SEEDED_PLAN_IDS = [
  'IOTC_CAPPED_EU_1GB_1M',
  'IOTC_CAPPED_EU_5GB_1M',
  'IOTC_CAPPED_WW_1GB_1M',
  'IOTC_CAPPED_NA_1GB_1M',
];

const DAY_MS = 86_400_000;

export interface SeedContext {
  seed: number;
  simCounts: Record<SimCategory, number>;
  ratePlans: string[];
  catalog: ProductDef[];
  now: number;
}

const STATUS_BY_CATEGORY: Record<SimCategory, SubscriberStatus> = {
  available: 'Available',
  'available-esim': 'Available',
  preactivated: 'Pre-Activated',
  'preactivated-esim': 'Pre-Activated',
  active: 'Active',
  'active-esim': 'Active',
  suspended: 'Suspended',
  'suspended-esim': 'Suspended',
  terminated: 'Terminated',
};

const MATCHING_ID_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ0123456789';

/** Matching id of a SIM's eSIM profile: depends only on the seed and the ICCID. */
export function matchingIdFor(seed: number, iccid: string): string {
  const rng = rngFor(seed, iccid, 'matching-id');
  const groups: string[] = [];
  for (let g = 0; g < 4; g++) {
    let s = '';
    for (let i = 0; i < 4; i++) s += MATCHING_ID_ALPHABET[Math.floor(rng() * MATCHING_ID_ALPHABET.length)];
    groups.push(s);
  }
  return groups.join('-');
}

/** 32-digit EID of the eUICC a profile gets installed on. */
export function eidFor(seed: number, iccid: string): string {
  return `89049032${randomDigits(rngFor(seed, iccid, 'eid'), 24)}`;
}

function imeiFor(seed: number, iccid: string): string {
  const body = `35${randomDigits(rngFor(seed, iccid, 'imei'), 12)}`;
  return body + luhnCheckDigit(body);
}

/** The IMEI of the device a SIM sits in: deterministic from seed + ICCID, computed once. */
export function deviceImei(seed: number, sim: Sim): string {
  sim.imei ??= imeiFor(seed, sim.iccid);
  return sim.imei;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function seedEsim(ctx: SeedContext, sim: Sim, rng: Rng): EsimProfile {
  const releasedAt = ctx.now - randInt(rng, 60, 400) * DAY_MS;
  const history: EsimProfile['history'] = [
    { status: 'available', date: iso(releasedAt - 2 * DAY_MS) },
    { status: 'allocated', date: iso(releasedAt - DAY_MS) },
    { status: 'released', date: iso(releasedAt) },
  ];
  const profile: EsimProfile = {
    status: 'released',
    statusDate: iso(releasedAt),
    matchingId: matchingIdFor(ctx.seed, sim.iccid),
    history,
  };
  if (sim.category === 'active-esim') {
    const steps: EsimStatus[] = ['downloaded', 'installed', 'enabled'];
    let at = releasedAt;
    for (const status of steps) {
      at += randInt(rng, 1, 60) * 60_000;
      history.push({ status, date: iso(at) });
    }
    profile.status = 'enabled';
    profile.statusDate = iso(at);
    profile.eid = eidFor(ctx.seed, sim.iccid);
  }
  return profile;
}

/** Splits `total` into `parts` positive integers with random weights. */
function split(rng: Rng, total: number, parts: number): number[] {
  const weights = Array.from({ length: parts }, () => 0.2 + rng());
  const sum = weights.reduce((a, b) => a + b, 0);
  const out = weights.map((w) => Math.floor((total * w) / sum));
  out[out.length - 1] = (out[out.length - 1] ?? 0) + total - out.reduce((a, b) => a + b, 0);
  return out;
}

function cdr(ctx: SeedContext, sim: Sim, at: number, country: string, total: number, rng: Rng): Cdr {
  const uplink = Math.floor(total * (0.1 + rng() * 0.2));
  return {
    eventDate: iso(at),
    apn: DEFAULT_APN,
    originCountry: country,
    ...networkOf(country),
    rat: pick(rng, [6, 6, 6, 11, 1]),
    imei: deviceImei(ctx.seed, sim),
    uplink,
    downlink: total - uplink,
    total,
  };
}

/**
 * A recurring plan renewed some days ago, with part of the current period's allowance used and CDRs
 * over the last 30 days in 2-3 of the plan's countries. Balance used == sum of the current period's CDRs.
 */
function seedPlanAndUsage(ctx: SeedContext, sim: Sim, rng: Rng): void {
  const productId = pick(rng, SEEDED_PLAN_IDS);
  const def = ctx.catalog.find((p) => p.productId === productId);
  const granted = def ? allowanceBytes(def) : null;
  if (!def || granted === null) return;
  const periodStart = ctx.now - randInt(rng, 3, 25) * DAY_MS - randInt(rng, 0, 86_399) * 1000;
  const used = Math.floor(granted * (0.05 + rng() * 0.55));
  const countries = pickDistinct(rng, def.tags, randInt(rng, 2, 3));
  const inPeriod = randInt(rng, 3, 8);
  const before = randInt(rng, 2, 6);
  const periodSpan = ctx.now - 3_600_000 - periodStart;
  const beforeStart = ctx.now - 30 * DAY_MS;
  const entries: { at: number; bytes: number }[] = [];
  for (const bytes of split(rng, used, inPeriod))
    entries.push({ at: periodStart + rng() * periodSpan, bytes });
  for (let i = 0; i < before; i++) {
    entries.push({
      at: beforeStart + rng() * (periodStart - beforeStart),
      bytes: randInt(rng, 1, Math.floor(granted / 10)),
    });
  }
  entries.sort((a, b) => a.at - b.at);
  sim.cdrs = entries.map((e, i) =>
    cdr(ctx, sim, Math.floor(e.at), countries[i % countries.length] ?? 'FR', e.bytes, rng),
  );
  const last = sim.cdrs[sim.cdrs.length - 1];
  if (last) {
    sim.lastSeenDate = last.eventDate;
    sim.lastOriginCountry = last.originCountry;
  }
  const firstActivation = sim.activationDate ?? iso(periodStart);
  const periodStartIso = iso(periodStart);
  const sub: ProductSubscription = {
    subscriptionId: seededUuid(rngFor(ctx.seed, sim.iccid, 'subscription')),
    orderId: seededUuid(rngFor(ctx.seed, sim.iccid, 'order')),
    productId: def.productId,
    iccid: sim.iccid,
    status: 'active',
    subscriptionDate: firstActivation,
    activationDate: firstActivation,
    expirationDate: addValidity(periodStartIso, def),
    transactionReference: `seed-${sim.iccid}`,
    startBytes: granted,
    usedBytes: used,
    periodStartDate: periodStartIso,
    periodEndDate: addValidity(periodStartIso, def),
    thresholdNotified: used >= granted * 0.8,
    exhaustedNotified: false,
  };
  sim.products.push(sub);
}

export function seedSim(ctx: SeedContext, category: SimCategory, index: number): Sim {
  const iccid = iccidFor(category, index);
  const status = STATUS_BY_CATEGORY[category];
  const sim: Sim = {
    iccid,
    category,
    index,
    simType: simTypeOf(category),
    imsi: imsiFor(category, index),
    status,
    options: [],
    products: [],
    cdrs: [],
  };
  if (status === 'Available') {
    if (sim.simType === 'esim') sim.esim = seedEsim(ctx, sim, rngFor(ctx.seed, iccid, 'esim'));
    return sim;
  }
  const rng = rngFor(ctx.seed, iccid, 'sim');
  sim.msisdn = msisdnFor(category, index);
  sim.ratePlan = ctx.ratePlans[0];
  sim.options = defaultOptions();
  if (status !== 'Pre-Activated') {
    sim.activationDate = iso(ctx.now - randInt(rng, 40, 400) * DAY_MS);
    sim.group = index % 2 === 0 ? 'FLEET_A' : 'FLEET_B';
  }
  if (sim.simType === 'esim') sim.esim = seedEsim(ctx, sim, rngFor(ctx.seed, iccid, 'esim'));
  if (status === 'Active' && index % 2 === 0) seedPlanAndUsage(ctx, sim, rng);
  return sim;
}

export function seedState(ctx: SeedContext): SimState {
  const state = new SimState();
  for (const category of SIM_CATEGORIES) {
    const count = ctx.simCounts[category];
    for (let index = 0; index < count; index++) state.addSim(seedSim(ctx, category, index));
  }
  return state;
}
