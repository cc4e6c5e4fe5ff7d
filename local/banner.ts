import { LOCAL_SECRET_NAME, WEBHOOK_SECRET_ENV } from './env.js';
import { buildCatalog } from './simulator/catalog.js';
import { iccidFor, type SimulatorVariant } from './simulator/index.js';
import type { LocalStack } from './stack.js';

/** A capped (not unlimited) plan on sale in the simulator's catalog, for the first curl. */
export function samplePlanId(): string {
  const plan = buildCatalog().find((product) => product.available && !product.unlimited);
  if (!plan) throw new Error('The simulator catalog has no capped plan on sale');
  return plan.productId;
}

export interface BannerOptions {
  dataDir?: string;
  activationDelayMs?: number;
  /** The simulator's variant; named on the Transatel line unless it is 'documented'. */
  variant?: SimulatorVariant;
}

/** What `npm start` prints once everything listens. Never prints a secret that was not a local default. */
export function startupBanner(stack: LocalStack, options: BannerOptions = {}): string {
  const { url } = stack;
  const simulated = stack.transatel.mode === 'simulator';
  const iccid = simulated ? iccidFor('available', 0) : '<iccid>';
  const planId = simulated ? samplePlanId() : '<planId>';
  const simulatorNotes = [
    'simulator',
    ...(options.variant === undefined || options.variant === 'documented'
      ? []
      : [`variant ${options.variant}`]),
    ...(options.activationDelayMs === undefined
      ? []
      : [`activations complete after ${options.activationDelayMs} ms`]),
  ];
  const transatel = simulated
    ? `${stack.transatel.baseUrl}  (${simulatorNotes.join(', ')})`
    : `${stack.transatel.baseUrl}  (real API, credentials from the environment)`;
  const dynamo = stack.dynamodbPath ? `on disk in ${stack.dynamodbPath}` : 'in memory';
  const secret =
    stack.webhook.source === 'default'
      ? `${stack.webhook.secret}  (local default; set ${WEBHOOK_SECRET_ENV} to change it)`
      : `from ${stack.webhook.source === 'env' ? WEBHOOK_SECRET_ENV : 'the webhookSecret option'} (not shown)`;
  const state = options.dataDir
    ? `--data-dir ${options.dataDir}: DynamoDB (orders, idempotency) persists across restarts; queue contents and simulator state do not.`
    : 'Everything is in memory; pass --data-dir <dir> to keep DynamoDB data across restarts.';

  return [
    'Local runtime (stage "local"), listening on 127.0.0.1 only:',
    '',
    `  API gateway     ${url}`,
    `  Transatel       ${transatel}`,
    `  SQS + SNS       ${stack.endpoints.sqs}  (fauxqs, in memory)`,
    `  DynamoDB        ${stack.endpoints.dynamodb}  (dynalite, ${dynamo})`,
    `  Events tap      ${stack.tapQueueUrl}  (every event published to SNS)`,
    `  Secrets Manager ${stack.secretsManager.url}  (stand-in: the Transatel secret ${LOCAL_SECRET_NAME})`,
    '',
    `  Webhooks        ${simulated ? 'simulator -> ' : ''}${stack.webhook.url}`,
    `  Webhook secret  ${secret}`,
    '',
    `  ${state}`,
    '',
    `Try an activation of a seeded Available SIM with the capped plan ${planId}:`,
    '',
    `  curl -si -X POST ${url}/v1/sims/${iccid}/activation \\`,
    `    -H 'content-type: application/json' -H 'idempotency-key: first-try' \\`,
    `    -d '{"planId":"${planId}"}'`,
    '',
    'then, with the orderId it answers:',
    '',
    `  curl -s ${url}/v1/orders/<orderId>`,
    `  curl -s ${url}/v1/sims/${iccid}/balance`,
    '',
    'Ctrl-C stops everything.',
  ].join('\n');
}
