import * as z from 'zod';
import type { Counters } from './counters.js';
import { ProblemError, STATUS_TITLES } from './problem.js';
import { type Rng, rngFor } from './rng.js';
import type { Scheduler } from './scheduler.js';
import {
  type FaultConfig,
  MUTATING_ROUTES,
  ROUTE_IDS,
  type RouteFaults,
  type RouteId,
  type WebhookFaults,
} from './types.js';

const rate = z.number().min(0).max(1);
const ms = z.number().int().min(0);

export const routeFaultsSchema = z.strictObject({
  latencyMs: ms.optional(),
  latencyJitterMs: ms.optional(),
  errorRate: rate.optional(),
  errorStatus: z.union([z.literal(500), z.literal(502), z.literal(503), z.literal(504)]).optional(),
  throttleRate: rate.optional(),
  retryAfterSeconds: z.number().int().min(0).optional(),
  rps: z.number().positive().optional(),
  loseResponseRate: rate.optional(),
});

export const webhookFaultsSchema = z.strictObject({
  duplicateRate: rate.optional(),
  dropRate: rate.optional(),
  reorderRate: rate.optional(),
  reorderMaxHoldMs: ms.optional(),
  delayMs: ms.optional(),
  delayJitterMs: ms.optional(),
});

export const faultConfigSchema = z.strictObject({
  routes: z.partialRecord(z.enum([...ROUTE_IDS, '*']), routeFaultsSchema).optional(),
  globalRps: z.number().positive().optional(),
  webhooks: webhookFaultsSchema.optional(),
});

interface Bucket {
  tokens: number;
  refilledAt: number;
}

/** Key of the one bucket `globalRps` shares across every API route (route ids never contain a colon). */
const GLOBAL_BUCKET = ':global';

/** The route dice, one seeded stream per kind. */
interface FaultDice {
  latency: Rng;
  throttle: Rng;
  error: Rng;
  loseResponse: Rng;
}

/**
 * One stream per kind of die, so the n-th committed write meets the same lose-response die whatever number
 * of reads and retries came between: whether a run of a few hundred writes loses a response depends on the
 * seed alone, not on how concurrent requests happened to interleave.
 */
function faultDice(seed: number): FaultDice {
  return {
    latency: rngFor(seed, 'route-faults', 'latency'),
    throttle: rngFor(seed, 'route-faults', 'throttle'),
    error: rngFor(seed, 'route-faults', 'error'),
    loseResponse: rngFor(seed, 'route-faults', 'lose-response'),
  };
}

/** Per-route fault injection; every die comes from a seeded PRNG so a run can be replayed. */
export class FaultEngine {
  private config: FaultConfig = {};
  private readonly buckets = new Map<string, Bucket>();
  private dice: FaultDice;

  constructor(
    private readonly seed: number,
    private readonly counters: Counters,
    private readonly scheduler: Scheduler,
  ) {
    this.dice = faultDice(seed);
  }

  get(): FaultConfig {
    return structuredClone(this.config);
  }

  /** Replaces the whole configuration (callers validate with faultConfigSchema first). */
  set(config: FaultConfig): void {
    this.config = structuredClone(config);
    this.buckets.clear();
  }

  /** No faults, and every die back to the start of its stream. */
  reset(): void {
    this.dice = faultDice(this.seed);
    this.set({});
  }

  forRoute(routeId: RouteId): RouteFaults | undefined {
    return this.config.routes?.[routeId] ?? this.config.routes?.['*'];
  }

  webhookFaults(): WebhookFaults {
    return this.config.webhooks ?? {};
  }

  /**
   * Applies the global and per-route rps limits, latency, throttling and 5xx dice; returns the problem to
   * answer with, if any.
   */
  async preflight(routeId: RouteId): Promise<ProblemError | undefined> {
    const { globalRps } = this.config;
    if (globalRps !== undefined) {
      // One budget over every API route (the token route too), as Transatel's gateway limit is per client.
      const wait = this.takeToken(GLOBAL_BUCKET, globalRps);
      if (wait > 0) {
        this.counters.fault(routeId, 'rateLimit');
        return tooManyRequests(Math.max(1, Math.ceil(wait)), 'Rate limit exceeded');
      }
    }
    const f = this.forRoute(routeId);
    if (!f) return undefined;
    if (f.rps !== undefined) {
      const wait = this.takeToken(routeId, f.rps);
      if (wait > 0) {
        this.counters.fault(routeId, 'rateLimit');
        return tooManyRequests(Math.max(1, Math.ceil(wait)), 'Rate limit exceeded');
      }
    }
    const jitter = f.latencyJitterMs ? this.dice.latency() * f.latencyJitterMs : 0;
    const latency = (f.latencyMs ?? 0) + jitter;
    if (latency > 0) {
      this.counters.fault(routeId, 'latency');
      await this.scheduler.sleep(latency);
    }
    if (f.throttleRate && this.dice.throttle() < f.throttleRate) {
      this.counters.fault(routeId, 'throttle');
      return tooManyRequests(f.retryAfterSeconds ?? 1, 'Too many requests');
    }
    if (f.errorRate && this.dice.error() < f.errorRate) {
      this.counters.fault(routeId, 'error');
      const status = f.errorStatus ?? 500;
      return new ProblemError(status, STATUS_TITLES[status] ?? 'INTERNAL_ERROR', 'Injected server fault');
    }
    return undefined;
  }

  /** For mutating routes only: should this committed success be answered with a destroyed socket? */
  loseResponse(routeId: RouteId): boolean {
    const r = this.forRoute(routeId)?.loseResponseRate;
    if (!MUTATING_ROUTES.has(routeId) || !r || this.dice.loseResponse() >= r) return false;
    this.counters.fault(routeId, 'loseResponse');
    return true;
  }

  /** Token bucket (capacity = rps, refilled continuously). Returns 0 if allowed, else seconds to wait. */
  private takeToken(routeId: string, rps: number): number {
    const now = performance.now();
    const capacity = Math.max(1, rps);
    const bucket = this.buckets.get(routeId) ?? { tokens: capacity, refilledAt: now };
    bucket.tokens = Math.min(capacity, bucket.tokens + ((now - bucket.refilledAt) / 1000) * rps);
    bucket.refilledAt = now;
    this.buckets.set(routeId, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return (1 - bucket.tokens) / rps;
  }
}

function tooManyRequests(retryAfterSeconds: number, detail: string): ProblemError {
  return new ProblemError(429, 'TOO_MANY_REQUESTS', detail, { 'Retry-After': String(retryAfterSeconds) });
}
