import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import * as z from 'zod';
import { logLevels } from '../shared/wiring/env/runtime.js';
import { transatelOptionSchema } from '../shared/wiring/env/transatel.js';

export const stageNames = ['dev', 'staging', 'prod'] as const;
export type StageName = (typeof stageNames)[number];

export const PROJECT = 'iot-capped-plans';

/** The pattern of every account's mvnoRef; the real suffix is shown in Transatel's SIM Management Portal. */
export const PLACEHOLDER_MVNO_REF = 'M2MA_WW_TSL_SET_ME';

/** SQS delays (the plan worker's polling backoff) go up to 900 s; an age alarm below that would cry wolf. */
const SQS_MAX_DELAY_SECONDS = 900;

const MAX_RPS_MESSAGE = 'must be a positive integer (requests per second)';

const snsTopicArn = z.string().regex(/^arn:[^:]+:sns:[^:]+:\d{12}:[^:]+$/, 'must be an SNS topic ARN');

export const stageConfigSchema = z.object({
  name: z.enum(stageNames),
  /** Left undefined when CDK_DEFAULT_* are unset, so synth works without credentials (environment-agnostic). */
  env: z.object({
    account: z
      .string()
      .regex(/^\d{12}$/)
      .optional(),
    region: z.string().min(1).optional(),
  }),
  transatel: z.object({
    baseUrl: z.url({ protocol: /^https$/ }),
    mvnoRef: z.string().min(1),
    ratePlan: z.string().min(1).max(50),
    cos: z.string().min(1),
    defaultOptions: z.array(transatelOptionSchema),
    /** Ceiling on concurrent workers that call Transatel (an SQS event source accepts 2..1000). */
    maxConcurrency: z.number().int().min(2).max(1000),
    /**
     * The account's Transatel rate limit (requests per second, token requests included) as agreed with
     * Transatel, which does not publish it. Set: the workers pace themselves to 80 % of it (TRANSATEL_MAX_RPS,
     * see infra/constructs/functions.ts). Unset: no pacing; 429s are retried after their Retry-After.
     */
    maxRequestsPerSecond: z
      .number({ error: MAX_RPS_MESSAGE })
      .int(MAX_RPS_MESSAGE)
      .positive(MAX_RPS_MESSAGE)
      .optional(),
  }),
  activationDeadlineSeconds: z.number().int().positive(),
  api: z.object({
    throttleRateLimit: z.number().positive(),
    throttleBurstLimit: z.number().int().positive(),
  }),
  logging: z.object({
    level: z.enum(logLevels),
    retention: z.enum(RetentionDays),
  }),
  /** A SIM's history (GET /v1/sims/{iccid}/events): days each entry is kept (DynamoDB TTL). */
  history: z
    .object({
      retentionDays: z.number().int().min(1).max(3650).default(400),
    })
    .default({ retentionDays: 400 }),
  /**
   * The policy sweep (thresholds and expiries): its share of the Transatel rate limit. With
   * `transatel.maxRequestsPerSecond` set it paces itself to this share of it (POLICY_SWEEP_MAX_RPS); without,
   * to 2 requests a second.
   */
  policies: z
    .object({
      sweepRateShare: z.number().min(0.01).max(1).default(0.2),
    })
    .default({ sweepRateShare: 0.2 }),
  alarms: z.object({
    email: z.email().optional(),
    /** An existing topic (e.g. the on-call pager's) that receives the alarms too. */
    topicArn: snsTopicArn.optional(),
    oldestMessageAgeSeconds: z.number().int().min(SQS_MAX_DELAY_SECONDS),
    /** Top-ups stopped by a policy's limits in 5 minutes beyond which the alarm goes off (a burst). */
    policyLimitsPerFiveMinutes: z.number().int().min(0).default(20),
  }),
  /** What happens to the data (tables, secret) when the stack is deleted. */
  dataRemoval: z.enum(['retain', 'destroy']),
  terminationProtection: z.boolean(),
});

export type StageConfig = z.output<typeof stageConfigSchema>;
type StageInput = z.input<typeof stageConfigSchema>;

const transatel: Omit<StageInput['transatel'], 'maxConcurrency'> = {
  baseUrl: 'https://api.transatel.com',
  mvnoRef: PLACEHOLDER_MVNO_REF,
  ratePlan: 'M2MA_WW_TSL_IOTCONNECT_CAPPED',
  cos: 'WW_M2MA_COS_IOT_CONNECT',
  // Without a pricing option Transatel puts the SIM on the Capped Plans model, which is what this offer wants.
  defaultOptions: [],
};

const stages: Record<StageName, Omit<StageInput, 'name' | 'env'>> = {
  dev: {
    transatel: { ...transatel, maxConcurrency: 2 },
    activationDeadlineSeconds: 3600,
    api: { throttleRateLimit: 20, throttleBurstLimit: 40 },
    logging: { level: 'DEBUG', retention: RetentionDays.ONE_WEEK },
    alarms: { oldestMessageAgeSeconds: 3600 },
    dataRemoval: 'destroy',
    terminationProtection: false,
  },
  staging: {
    transatel: { ...transatel, maxConcurrency: 5 },
    activationDeadlineSeconds: 3600,
    api: { throttleRateLimit: 50, throttleBurstLimit: 100 },
    logging: { level: 'INFO', retention: RetentionDays.ONE_MONTH },
    alarms: { oldestMessageAgeSeconds: 1800 },
    dataRemoval: 'destroy',
    terminationProtection: false,
  },
  prod: {
    transatel: { ...transatel, maxConcurrency: 10 },
    activationDeadlineSeconds: 4 * 3600,
    api: { throttleRateLimit: 200, throttleBurstLimit: 400 },
    // A year, as Control Tower's CT.CLOUDWATCH.PR.2 asks; the test stages keep theirs shorter (docs/deploy.md).
    logging: { level: 'INFO', retention: RetentionDays.ONE_YEAR },
    alarms: { oldestMessageAgeSeconds: 1800 },
    dataRemoval: 'retain',
    terminationProtection: true,
  },
};

/**
 * `-c key=N` arrives as a string: digits become a number, anything else NaN, which the stage schema
 * refuses with the setting's own message.
 */
const contextNumber = z.union([
  z.number(),
  z
    .string()
    .trim()
    .transform((text) => (/^\d+$/.test(text) ? Number(text) : Number.NaN)),
]);

/** Values an operator may give with `-c key=value` instead of editing this file. */
export const contextOverridesSchema = z.object({
  mvnoRef: z.string().min(1).optional(),
  transatelBaseUrl: z.string().optional(),
  transatelMaxRps: contextNumber.optional(),
  alarmEmail: z.string().optional(),
  alarmTopicArn: z.string().optional(),
});
export type ContextOverrides = z.input<typeof contextOverridesSchema>;

export class StageConfigError extends Error {
  override readonly name = 'StageConfigError';
}

export function isStageName(value: unknown): value is StageName {
  return typeof value === 'string' && (stageNames as readonly string[]).includes(value);
}

/**
 * The validated configuration of one stage. Account and region come from the CDK CLI's environment
 * (CDK_DEFAULT_ACCOUNT / CDK_DEFAULT_REGION) and stay unresolved when there are no credentials.
 */
export function loadStageConfig(
  name: unknown,
  overrides: ContextOverrides = {},
  env: Readonly<Record<string, string | undefined>> = process.env,
): StageConfig {
  if (!isStageName(name)) {
    throw new StageConfigError(`Unknown stage ${JSON.stringify(name)}: use one of ${stageNames.join(', ')}`);
  }
  const given = contextOverridesSchema.parse(overrides);
  const base = stages[name];
  const input: StageInput = {
    ...base,
    name,
    env: { account: env.CDK_DEFAULT_ACCOUNT || undefined, region: env.CDK_DEFAULT_REGION || undefined },
    transatel: {
      ...base.transatel,
      ...(given.mvnoRef === undefined ? {} : { mvnoRef: given.mvnoRef }),
      ...(given.transatelBaseUrl === undefined ? {} : { baseUrl: given.transatelBaseUrl }),
      ...(given.transatelMaxRps === undefined ? {} : { maxRequestsPerSecond: given.transatelMaxRps }),
    },
    alarms: {
      ...base.alarms,
      ...(given.alarmEmail === undefined ? {} : { email: given.alarmEmail }),
      ...(given.alarmTopicArn === undefined ? {} : { topicArn: given.alarmTopicArn }),
    },
  };
  const result = stageConfigSchema.safeParse(input);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new StageConfigError(`Invalid configuration for stage ${name}: ${problems.join('; ')}`);
  }
  return result.data;
}

/** Physical names carry the stage so the stages can share one account. */
export function resourcePrefix(stage: StageName): string {
  return `${PROJECT}-${stage}`;
}

export function stackName(stage: StageName): string {
  return `IotCappedPlans-${stage}`;
}
