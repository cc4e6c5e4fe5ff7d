import type { SimulatorVariant } from './variants.js';

export type SimCategory =
  | 'available'
  | 'available-esim'
  | 'preactivated'
  | 'preactivated-esim'
  | 'active'
  | 'active-esim'
  | 'suspended'
  | 'suspended-esim'
  | 'terminated';

/** Subscriber statuses exactly as the simulator emits them on the wire. */
export type SubscriberStatus =
  | 'Available'
  | 'Pre-Activated'
  | 'Active'
  | 'Suspended'
  | 'Terminated'
  /** IoT test mode: only the test-mode variant's activations land there. */
  | 'TestMode';

export type SimType = 'physical' | 'esim';

export const ROUTE_IDS = [
  'token',
  'getSubscriber',
  'activate',
  'modify',
  'suspend',
  'reactivate',
  'terminate',
  'getTransaction',
  'simSearch',
  'ocsOrder',
  'inventoryList',
  'inventoryGet',
  'catalogList',
  'catalogProduct',
  'esim',
  'usageCdr',
] as const;
export type RouteId = (typeof ROUTE_IDS)[number];

/** Routes whose success commits a change (the only ones loseResponseRate applies to). */
export const MUTATING_ROUTES: ReadonlySet<RouteId> = new Set<RouteId>([
  'activate',
  'modify',
  'suspend',
  'reactivate',
  'terminate',
  'ocsOrder',
]);

export interface RouteFaults {
  latencyMs?: number;
  latencyJitterMs?: number;
  /** 0..1, answers errorStatus */
  errorRate?: number;
  errorStatus?: 500 | 502 | 503 | 504;
  /** 0..1, answers 429 */
  throttleRate?: number;
  /** default 1 */
  retryAfterSeconds?: number;
  /** token-bucket limit; over it -> 429 with Retry-After */
  rps?: number;
  /** 0..1: for mutating routes, commit the change, then destroy the socket without answering */
  loseResponseRate?: number;
}

export interface WebhookFaults {
  duplicateRate?: number;
  /** never delivered at all */
  dropRate?: number;
  /** held back and delivered after a later event */
  reorderRate?: number;
  /** a held-back event is released after this long if no later event comes (default 2000) */
  reorderMaxHoldMs?: number;
  delayMs?: number;
  delayJitterMs?: number;
}

export interface FaultConfig {
  routes?: Record<string, RouteFaults>;
  /**
   * One token bucket (capacity = globalRps) shared by every API route, token included; over it -> 429
   * with Retry-After, counted as `rateLimit` on the route that was refused. Checked before the route's own faults.
   */
  globalRps?: number;
  webhooks?: WebhookFaults;
}

export interface WebhookTargetConfig {
  url: string;
  secret: string;
  events?: string[];
}

export interface SimulatorOptions {
  /** default 4010 in CLI, tests pass 0 */
  port?: number;
  /** default 42; drives every random choice (seeded ids, usage, fault dice) */
  seed?: number;
  clientId?: string;
  clientSecret?: string;
  tokenTtlSeconds?: number;
  activationDelayMs?: number;
  /** modify/suspend/reactivate/terminate */
  lifecycleDelayMs?: number;
  mvnoRef?: string;
  cos?: string;
  ratePlans?: string[];
  simCounts?: Partial<Record<SimCategory, number>>;
  webhooks?: { targets?: WebhookTargetConfig[]; retryScheduleMs?: number[]; timeoutMs?: number };
  faults?: FaultConfig;
  /**
   * Which guess the simulator answers with where Transatel's documentation is silent (default
   * 'documented'); see variants.ts and the README's Variants section.
   */
  variant?: SimulatorVariant;
  log?: (line: string) => void;
}

export interface ResolvedOptions {
  port: number;
  seed: number;
  clientId: string;
  clientSecret: string;
  tokenTtlSeconds: number;
  activationDelayMs: number;
  lifecycleDelayMs: number;
  mvnoRef: string;
  cos: string;
  ratePlans: string[];
  simCounts: Record<SimCategory, number>;
  webhookTargets: WebhookTargetConfig[];
  retryScheduleMs: number[];
  webhookTimeoutMs: number;
  faults: FaultConfig;
  variant: SimulatorVariant;
  log: (line: string) => void;
}

/** The knobs that /_sim/config can change at runtime. */
export interface RuntimeConfig {
  activationDelayMs: number;
  lifecycleDelayMs: number;
  tokenTtlSeconds: number;
  /** Whether OCS `subscribe` is accepted on a TestMode subscriber (default 'accept'). */
  testModePlans: TestModePlans;
}

export type TestModePlans = 'accept' | 'refuse';
