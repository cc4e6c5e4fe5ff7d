import type { SimulatorCore } from '../core.js';
import { networkOf } from '../countries.js';
import { EXHAUSTED_EVENT, resourceEvent, THRESHOLD_EVENT } from '../events.js';
import { ProblemError } from '../problem.js';
import { DEFAULT_APN, deviceImei } from '../seed.js';
import type { Cdr, Sim } from '../state.js';
import { balanceView } from '../views.js';
import { activateOnFirstUse } from './firstUse.js';

export const THRESHOLD_PERCENT = 80;

export interface UsageResult {
  iccid: string;
  bytes: number;
  country: string;
  at: string;
  activatedOnFirstUse: boolean;
  drawn: { subscriptionId: string; productId: string; bytes: number; remainingKB: number }[];
  /** Bytes no active plan could cover (the CDR still records them). */
  outOfBundleBytes: number;
  events: string[];
}

/**
 * Device traffic: draws plan balances in subscription order (first plan with balance left, spilling
 * into the next), records one CDR, and emits the 80 % threshold / exhaustion events it crosses.
 */
export function applyUsage(
  core: SimulatorCore,
  sim: Sim,
  bytes: number,
  country: string,
  at: Date,
): UsageResult {
  const activatedOnFirstUse = activateOnFirstUse(core, sim);
  // TestMode lines use the network too (within the test quota).
  if (sim.status !== 'Active' && sim.status !== 'TestMode') {
    throw new ProblemError(
      409,
      'CONFLICT',
      `SIM ${sim.iccid} cannot use the network (status: ${sim.status})`,
    );
  }
  const result: UsageResult = {
    iccid: sim.iccid,
    bytes,
    country,
    at: at.toISOString(),
    activatedOnFirstUse,
    drawn: [],
    outOfBundleBytes: 0,
    events: [],
  };
  let remaining = bytes;
  for (const sub of sim.products) {
    if (remaining <= 0) break;
    if (sub.status !== 'active') continue;
    let take: number;
    if (sub.startBytes === null) {
      take = remaining;
    } else {
      take = Math.min(remaining, Math.max(0, sub.startBytes - sub.usedBytes));
      if (take === 0) continue;
    }
    sub.usedBytes += take;
    remaining -= take;
    result.drawn.push({
      subscriptionId: sub.subscriptionId,
      productId: sub.productId,
      bytes: take,
      remainingKB: balanceView(sub).resourceValue,
    });
    if (sub.startBytes === null) continue;
    if (!sub.thresholdNotified && sub.usedBytes >= (sub.startBytes * THRESHOLD_PERCENT) / 100) {
      sub.thresholdNotified = true;
      const event = resourceEvent(THRESHOLD_EVENT, core.ocs, sim, sub, THRESHOLD_PERCENT);
      core.emit(event);
      result.events.push(event.type);
    }
    if (!sub.exhaustedNotified && sub.usedBytes >= sub.startBytes) {
      sub.exhaustedNotified = true;
      const event = resourceEvent(EXHAUSTED_EVENT, core.ocs, sim, sub);
      core.emit(event);
      result.events.push(event.type);
    }
  }
  result.outOfBundleBytes = remaining;
  const uplink = Math.floor(bytes * 0.2);
  const cdr: Cdr = {
    eventDate: result.at,
    apn: DEFAULT_APN,
    originCountry: country,
    ...networkOf(country),
    rat: 6,
    imei: deviceImei(core.options.seed, sim),
    uplink,
    downlink: bytes - uplink,
    total: bytes,
  };
  insertCdr(sim.cdrs, cdr);
  noteSeen(sim, cdr);
  return result;
}

function noteSeen(sim: Sim, cdr: Cdr): void {
  if (!sim.lastSeenDate || cdr.eventDate >= sim.lastSeenDate) {
    sim.lastSeenDate = cdr.eventDate;
    sim.lastOriginCountry = cdr.originCountry;
  }
}

/** First index whose eventDate is > date (`strict`) or >= date: CDR lists are sorted by eventDate. */
export function cdrIndex(cdrs: readonly Cdr[], date: string, strict = false): number {
  let lo = 0;
  let hi = cdrs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const at = (cdrs[mid] as Cdr).eventDate;
    if (at < date || (strict && at === date)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Keeps the list sorted by eventDate (ISO-8601 UTC strings compare as text); equal dates keep arrival order. */
function insertCdr(cdrs: Cdr[], cdr: Cdr): void {
  const at = cdrIndex(cdrs, cdr.eventDate, true);
  if (at === cdrs.length) cdrs.push(cdr);
  else cdrs.splice(at, 0, cdr);
}

export interface TrafficHistory {
  days: number;
  sessionsPerDay: number;
  bytesPerSession: number;
  country: string;
}

/**
 * Back-fills `days` days of CDRs ending at `now`, `sessionsPerDay` evenly spaced sessions a day of
 * `bytesPerSession` each, in `country`. Deterministic; balances and events are left alone. Returns how many.
 */
export function appendTrafficHistory(core: SimulatorCore, sim: Sim, h: TrafficHistory, now: number): number {
  const count = h.days * h.sessionsPerDay;
  const step = 86_400_000 / h.sessionsPerDay;
  const network = networkOf(h.country);
  const imei = deviceImei(core.options.seed, sim);
  const uplink = Math.floor(h.bytesPerSession * 0.2);
  const added: Cdr[] = new Array(count);
  for (let i = 0; i < count; i++) {
    added[i] = {
      eventDate: new Date(Math.round(now - (count - 1 - i) * step)).toISOString(),
      apn: DEFAULT_APN,
      originCountry: h.country,
      mcc: network.mcc,
      mnc: network.mnc,
      rat: 6,
      imei,
      uplink,
      downlink: h.bytesPerSession - uplink,
      total: h.bytesPerSession,
    };
  }
  sim.cdrs = mergeSorted(sim.cdrs, added);
  const last = added[count - 1];
  if (last) noteSeen(sim, last);
  return count;
}

/** Merges two lists sorted by eventDate into one (existing CDRs first on equal dates). */
function mergeSorted(a: readonly Cdr[], b: readonly Cdr[]): Cdr[] {
  if (a.length === 0) return [...b];
  const first = b[0];
  const lastOfA = a[a.length - 1];
  if (first && lastOfA && lastOfA.eventDate <= first.eventDate) return [...a, ...b];
  const out: Cdr[] = new Array(a.length + b.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length && j < b.length) {
    const x = a[i] as Cdr;
    const y = b[j] as Cdr;
    if (x.eventDate <= y.eventDate) {
      out[k++] = x;
      i++;
    } else {
      out[k++] = y;
      j++;
    }
  }
  while (i < a.length) out[k++] = a[i++] as Cdr;
  while (j < b.length) out[k++] = b[j++] as Cdr;
  return out;
}
