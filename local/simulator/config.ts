import * as z from 'zod';
import { faultConfigSchema } from './faults.js';
import { SIM_CATEGORIES } from './ids.js';
import { DEFAULT_SIM_COUNTS } from './seed.js';
import type { ResolvedOptions, SimCategory, SimulatorOptions } from './types.js';
import { SIMULATOR_VARIANTS } from './variants.js';

const TEN_MINUTES_MS = 600_000;

export const DEFAULTS = {
  port: 4010,
  seed: 42,
  clientId: 'local-client',
  clientSecret: 'local-secret',
  tokenTtlSeconds: 3600,
  activationDelayMs: 2000,
  lifecycleDelayMs: 500,
  mvnoRef: 'M2MA_WW_TSL_LOCAL',
  cos: 'WW_M2MA_COS_IOT_CONNECT',
  ratePlans: ['M2MA_WW_TSL_IOTCONNECT_CAPPED'],
  /** 60 retries 10 minutes apart: Transatel's "every 10 minutes for 10 hours". */
  retryScheduleMs: Array.from({ length: 60 }, () => TEN_MINUTES_MS),
  webhookTimeoutMs: 10_000,
} as const;

const nonNegInt = z.number().int().min(0);

const optionsSchema = z.object({
  port: z.number().int().min(0).max(65535).optional(),
  seed: z.number().int().optional(),
  clientId: z.string().min(1).optional(),
  clientSecret: z.string().min(1).optional(),
  tokenTtlSeconds: z.number().int().min(1).optional(),
  activationDelayMs: nonNegInt.optional(),
  lifecycleDelayMs: nonNegInt.optional(),
  mvnoRef: z.string().min(1).optional(),
  cos: z.string().min(1).optional(),
  ratePlans: z.array(z.string().min(1).max(50)).min(1).optional(),
  simCounts: z
    .partialRecord(z.enum(SIM_CATEGORIES as [SimCategory, ...SimCategory[]]), nonNegInt.max(99_999_999))
    .optional(),
  webhooks: z
    .object({
      targets: z
        .array(z.object({ url: z.url(), secret: z.string().min(1), events: z.array(z.string()).optional() }))
        .optional(),
      retryScheduleMs: z.array(nonNegInt).optional(),
      timeoutMs: z.number().int().min(1).optional(),
    })
    .optional(),
  faults: faultConfigSchema.optional(),
  variant: z.enum(SIMULATOR_VARIANTS).optional(),
});

/** Applies defaults; throws a readable error on a bad option (a programming error in the caller). */
export function resolveOptions(opts: SimulatorOptions = {}): ResolvedOptions {
  const parsed = optionsSchema.safeParse({ ...opts, log: undefined });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`Invalid simulator option '${issue?.path.join('.')}': ${issue?.message}`);
  }
  const o = parsed.data;
  return {
    port: o.port ?? DEFAULTS.port,
    seed: o.seed ?? DEFAULTS.seed,
    clientId: o.clientId ?? DEFAULTS.clientId,
    clientSecret: o.clientSecret ?? DEFAULTS.clientSecret,
    tokenTtlSeconds: o.tokenTtlSeconds ?? DEFAULTS.tokenTtlSeconds,
    activationDelayMs: o.activationDelayMs ?? DEFAULTS.activationDelayMs,
    lifecycleDelayMs: o.lifecycleDelayMs ?? DEFAULTS.lifecycleDelayMs,
    mvnoRef: o.mvnoRef ?? DEFAULTS.mvnoRef,
    cos: o.cos ?? DEFAULTS.cos,
    ratePlans: o.ratePlans ?? [...DEFAULTS.ratePlans],
    simCounts: { ...DEFAULT_SIM_COUNTS, ...o.simCounts },
    webhookTargets: o.webhooks?.targets ?? [],
    retryScheduleMs: o.webhooks?.retryScheduleMs ?? [...DEFAULTS.retryScheduleMs],
    webhookTimeoutMs: o.webhooks?.timeoutMs ?? DEFAULTS.webhookTimeoutMs,
    faults: o.faults ?? {},
    variant: o.variant ?? 'documented',
    log: opts.log ?? (() => {}),
  };
}
