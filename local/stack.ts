import { SQSClient } from '@aws-sdk/client-sqs';
import type { FunctionName, QueueName } from '../shared/topology.js';
import { queues as queueSpecs } from '../shared/topology.js';
import {
  LOCAL_CREDENTIALS,
  LOCAL_REGION,
  type LocalAwsClients,
  type LocalEndpoints,
  localAwsClients,
} from './aws.js';
import { type AwsFaultOptions, type AwsFaultProxy, startAwsFaultProxy } from './aws-faults.js';
import { type Emulators, startEmulators } from './emulators.js';
import {
  applyEnv,
  functionEnv,
  LOCAL_SECRET_NAME,
  localTransatelSecret,
  resolveTransatelTarget,
  resolveWebhookSecret,
  type SourceEnv,
  type TransatelTarget,
  type WebhookSecretChoice,
} from './env.js';
import { type Gateway, startGateway } from './gateway.js';
import { type HandlerLoader, topologyHandlerLoader } from './handlers.js';
import { type LocalScheduler, startLocalScheduler } from './job-scheduler.js';
import type { RuntimeLog } from './log.js';
import { type PolledQueue, type Pollers, startPollers } from './poller.js';
import { type Provisioned, provision } from './provision.js';
import { type Schedules, startSchedules } from './schedules.js';
import {
  type LocalSecretsManager,
  type SecretsManagerOperation,
  startLocalSecretsManager,
} from './secrets-manager.js';
import { type RunningSimulator, type SimulatorOptions, startSimulator } from './simulator/index.js';
import {
  addInvocationTallies,
  type EmulatorUsage,
  type InvocationTallies,
  invocationTallies,
} from './usage.js';
import { combinePollers, startWorkerHost, type WorkerHost } from './worker-host.js';

export const WEBHOOK_PATH = '/v1/webhooks/transatel';

/** Simulator settings a caller may change; credentials, MVNO ref and port follow the stack's own. */
export type SimulatorOverrides = Omit<SimulatorOptions, 'port' | 'clientId' | 'clientSecret' | 'mvnoRef'>;

export interface LocalStackOptions {
  /** Gateway port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /** Keeps DynamoDB on disk under `<dataDir>/dynamodb`; queues and the simulator stay in memory. */
  dataDir?: string;
  /** Run fauxqs and dynalite in a child process, off the functions' event loop (default false). */
  separateEmulators?: boolean;
  /**
   * Consumers whose queues are polled in a child process of their own (local/worker-host.ts), as Lambda
   * runs each function in its own environment (default none). `npm start` puts `events-worker` there: it
   * calls no Transatel API, so it needs no token nor a share of the rate limit.
   */
  separateConsumers?: readonly FunctionName[];
  simulator?: SimulatorOverrides;
  /**
   * Use this Transatel instead of the simulator (default: TRANSATEL_BASE_URL of `env`). A promise (a server
   * the caller is still starting, as the bench does) is awaited while the emulators start.
   */
  transatelBaseUrl?: string | Promise<string>;
  /** Default: TRANSATEL_WEBHOOK_SECRET of `env`, else `local-webhook-secret`. */
  webhookSecret?: string;
  /** Run the queue pollers (default true). */
  pollers?: boolean;
  /**
   * Run the scheduled functions (catalog-sync) once before the gateway opens, then on their period
   * (default true).
   */
  schedules?: boolean;
  /** Every scheduled function runs this often instead of its topology period (a quicker loop locally). */
  schedulePeriodSeconds?: number;
  /** Tests only: every queue's visibility timeout instead of the topology's. */
  visibilityTimeoutOverrideSeconds?: number;
  /** Long-poll wait of the pollers (default 1 s). */
  pollWaitTimeSeconds?: number;
  /** Default: each function's topology entry. */
  loadHandler?: HandlerLoader;
  /** Where the caller's settings are read (default process.env). */
  env?: SourceEnv;
  /** Write the functions' environment into process.env (default true; the handlers read it there). */
  applyToProcessEnv?: boolean;
  /** Request and batch lines, runtime warnings; silent when absent. */
  log?: RuntimeLog;
  /** Have the emulators count what they answer, for `usage()` (default false: the bench's cost figures). */
  countUsage?: boolean;
  /**
   * Put the fault-injecting proxy (local/aws-faults.ts) between the functions and the emulators: their AWS
   * calls then meet throttling, 5xx and connections reset after processing at these rates, from the moment the
   * stack is up (default: no proxy).
   */
  awsFaults?: AwsFaultOptions;
}

/** What the stack used since it started (local/usage.ts). */
export interface StackUsage {
  /** Every runtime process's: this process's since it started (an earlier stack's included), the worker host's. */
  invocations: InvocationTallies;
  /** Empty unless `countUsage`. */
  emulators: EmulatorUsage;
}

export interface LocalStack {
  /** The API gateway. */
  url: string;
  port: number;
  /** Present unless a real Transatel is configured. */
  simulator?: RunningSimulator;
  /** The AWS fault proxy, with `awsFaults`: its rates can change, its counters say what it injected. */
  awsFaults?: AwsFaultProxy;
  transatel: { mode: TransatelTarget['mode']; baseUrl: string };
  webhook: { url: string } & WebhookSecretChoice;
  /** The emulators' own origins (no faults, whatever `awsFaults` says): for the caller's checks. */
  endpoints: LocalEndpoints;
  /**
   * The stand-in Secrets Manager (local/secrets-manager.ts) and the Transatel secret's ARN there, which holds the
   * credentials and the webhook secret; tests rotate it with PutSecretValue.
   */
  secretsManager: { url: string; secretId: string; calls(operation: SecretsManagerOperation): number };
  resources: Provisioned;
  queueUrls: Record<QueueName, string>;
  dlqUrls: Record<QueueName, string>;
  tapQueueUrl: string;
  dynamodbPath?: string;
  /** What the functions see. */
  env: Record<string, string | undefined>;
  pollers?: Pollers;
  schedules?: Schedules;
  /** As of the children's last reports (every second). */
  usage(): StackUsage;
  stop(): Promise<void>;
}

function mapQueues(resources: Provisioned, pick: (queue: Provisioned['queues'][QueueName]) => string) {
  const names = Object.keys(resources.queues) as QueueName[];
  return Object.fromEntries(names.map((name) => [name, pick(resources.queues[name])])) as Record<
    QueueName,
    string
  >;
}

/**
 * The whole system on 127.0.0.1: emulators, provisioned resources, the gateway, the simulator (unless
 * a real Transatel is configured) delivering signed webhooks to the gateway, and the queue pollers.
 * Fails before starting anything when the real Transatel's settings are incomplete.
 */
export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const source = options.env ?? process.env;
  const givenBaseUrl = options.transatelBaseUrl;
  // A configuration error shows before anything starts, unless the URL is still to come.
  const knownTransatel =
    typeof givenBaseUrl === 'object' ? undefined : resolveTransatelTarget(source, givenBaseUrl);
  const webhookSecret = resolveWebhookSecret(source, options.webhookSecret);
  const loadHandler = options.loadHandler ?? topologyHandlerLoader();
  const log = options.log;

  let emulators: Emulators | undefined;
  let awsFaultProxy: AwsFaultProxy | undefined;
  let clients: LocalAwsClients | undefined;
  let gateway: Gateway | undefined;
  let simulator: RunningSimulator | undefined;
  let restoreEnv: (() => void) | undefined;
  let pollers: Pollers | undefined;
  let workerHost: WorkerHost | undefined;
  let schedules: Schedules | undefined;
  let scheduler: LocalScheduler | undefined;
  let secretsManager: LocalSecretsManager | undefined;

  // Work in flight drains first (pollers, then requests, which may call the simulator); each step
  // runs even when an earlier one failed.
  const shutDown = async () => {
    const steps = [
      () => schedules?.stop(),
      () => scheduler?.stop(),
      () => pollers?.stop(),
      () => gateway?.close(),
      () => simulator?.close(),
      () => secretsManager?.stop(),
      () => restoreEnv?.(),
      () => clients?.destroy(),
      () => awsFaultProxy?.close(),
      () => emulators?.stop(),
    ];
    const errors: unknown[] = [];
    for (const step of steps) {
      try {
        await step();
      } catch (error) {
        errors.push(error);
      }
    }
    if (errors.length > 0) throw new AggregateError(errors, 'The local stack did not stop cleanly');
  };

  try {
    const [emulatorsStart, baseUrlStart] = await Promise.allSettled([
      startEmulators({
        ...(options.dataDir ? { dataDir: options.dataDir } : {}),
        separateProcess: options.separateEmulators ?? false,
        ...(options.countUsage ? { countUsage: true } : {}),
      }),
      givenBaseUrl,
    ]);
    if (emulatorsStart.status === 'rejected') throw emulatorsStart.reason;
    // Kept before the URL's failure is thrown, so that shutDown stops the emulators.
    emulators = emulatorsStart.value;
    const runningEmulators = emulators;
    if (baseUrlStart.status === 'rejected') throw baseUrlStart.reason;
    const transatel = knownTransatel ?? resolveTransatelTarget(source, baseUrlStart.value);
    clients = localAwsClients(emulators.endpoints);
    // With AWS faults, the functions reach every emulator through the proxy (their AWS_ENDPOINT_URL_*), and the
    // queues are created through it so that their URLs carry its port: the functions' SQS client sends each call
    // to its queue URL's host. The runtime's own clients (the pollers, the scheduler) name the emulators'
    // origins explicitly, so they reach fauxqs directly whatever the URL says: Lambda's event source and
    // EventBridge Scheduler are AWS-internal.
    let functionEndpoints = emulators.endpoints;
    let provisionSqs: SQSClient | undefined;
    if (options.awsFaults) {
      awsFaultProxy = await startAwsFaultProxy({
        upstreams: { dynamodb: emulators.endpoints.dynamodb, fauxqs: emulators.endpoints.sqs },
        ...(options.awsFaults.seed === undefined ? {} : { seed: options.awsFaults.seed }),
      });
      functionEndpoints = { sqs: awsFaultProxy.url, sns: awsFaultProxy.url, dynamodb: awsFaultProxy.url };
      provisionSqs = new SQSClient({
        region: LOCAL_REGION,
        credentials: LOCAL_CREDENTIALS,
        endpoint: awsFaultProxy.url,
      });
    }
    const resources = await provision(provisionSqs ? { ...clients, sqs: provisionSqs } : clients, {
      ...(options.visibilityTimeoutOverrideSeconds === undefined
        ? {}
        : { visibilityTimeoutOverrideSeconds: options.visibilityTimeoutOverrideSeconds }),
    }).finally(() => provisionSqs?.destroy());

    // Scheduled jobs' one-time schedules (EventBridge Scheduler in AWS).
    scheduler = await startLocalScheduler({
      sqs: clients.sqs,
      queueUrls: new Map(Object.values(resources.queues).map((queue) => [queue.arn, queue.url])),
      ...(log ? { log } : {}),
    });

    // The Transatel secret, as deploy.md has it put in Secrets Manager; the functions read it with the SDK's client.
    secretsManager = await startLocalSecretsManager();
    const secretId = secretsManager.createSecret(
      LOCAL_SECRET_NAME,
      localTransatelSecret(transatel, webhookSecret.secret),
    );
    const runningSecretsManager = secretsManager;

    let openGate = () => {};
    const ready = new Promise<void>((resolve) => {
      openGate = resolve;
    });
    gateway = await startGateway({ port: options.port ?? 0, loadHandler, ready, ...(log ? { log } : {}) });
    const webhookUrl = `${gateway.url}${WEBHOOK_PATH}`;

    if (transatel.mode === 'simulator') {
      const overrides = options.simulator ?? {};
      const cos = source.TRANSATEL_COS?.trim();
      const ratePlan = source.TRANSATEL_RATE_PLAN?.trim();
      simulator = await startSimulator({
        ...(cos ? { cos } : {}),
        ...(ratePlan ? { ratePlans: [ratePlan] } : {}),
        ...overrides,
        port: 0,
        clientId: transatel.clientId,
        clientSecret: transatel.clientSecret,
        mvnoRef: transatel.mvnoRef,
        webhooks: {
          ...overrides.webhooks,
          targets: [
            { url: webhookUrl, secret: webhookSecret.secret },
            ...(overrides.webhooks?.targets ?? []),
          ],
        },
      });
    }
    const transatelBaseUrl = transatel.mode === 'real' ? transatel.baseUrl : (simulator?.url ?? '');

    const env = functionEnv({
      source,
      endpoints: functionEndpoints,
      resources,
      transatel,
      transatelBaseUrl,
      secret: { endpoint: secretsManager.url, id: secretId },
      schedulerUrl: scheduler.url,
    });
    if (options.applyToProcessEnv ?? true) restoreEnv = applyEnv(env);
    if (options.schedules ?? true) {
      schedules = await startSchedules({
        loadHandler,
        ...(options.schedulePeriodSeconds === undefined
          ? {}
          : { periodSeconds: options.schedulePeriodSeconds }),
        ...(log ? { log } : {}),
      });
    }
    openGate();

    if (options.pollers ?? true) {
      const polled: PolledQueue[] = (Object.keys(resources.queues) as QueueName[]).map((name) => ({
        name,
        url: resources.queues[name].url,
        arn: resources.queues[name].arn,
      }));
      const apart = new Set(options.separateConsumers ?? []);
      const inChild = polled.filter((queue) => apart.has(queueSpecs[queue.name].consumer));
      const here = polled.filter((queue) => !apart.has(queueSpecs[queue.name].consumer));
      const waitTime =
        options.pollWaitTimeSeconds === undefined ? {} : { waitTimeSeconds: options.pollWaitTimeSeconds };
      const parts: Pollers[] = [];
      if (here.length > 0) {
        parts.push(
          startPollers({
            sqs: clients.sqs,
            queues: here,
            loadHandler,
            ...waitTime,
            ...(log ? { log } : {}),
          }),
        );
      }
      // Set before the child starts, so that a failed start still stops the pollers of this process.
      pollers = combinePollers(parts);
      if (inChild.length > 0) {
        workerHost = await startWorkerHost({
          queues: inChild,
          env,
          endpoints: emulators.endpoints,
          ...waitTime,
          ...(log ? { log } : {}),
        });
        parts.push(workerHost);
      }
    }

    // Everything is up: the functions' calls meet the faults from now on.
    awsFaultProxy?.setRates(options.awsFaults?.rates ?? {});

    let stopping: Promise<void> | undefined;
    return {
      url: gateway.url,
      port: gateway.port,
      ...(simulator ? { simulator } : {}),
      ...(awsFaultProxy ? { awsFaults: awsFaultProxy } : {}),
      transatel: { mode: transatel.mode, baseUrl: transatelBaseUrl },
      webhook: { url: webhookUrl, ...webhookSecret },
      endpoints: emulators.endpoints,
      secretsManager: {
        url: runningSecretsManager.url,
        secretId,
        calls: (operation) => runningSecretsManager.calls(operation),
      },
      resources,
      queueUrls: mapQueues(resources, (queue) => queue.url),
      dlqUrls: mapQueues(resources, (queue) => queue.dlqUrl),
      tapQueueUrl: resources.tap.url,
      ...(emulators.dynamodbPath ? { dynamodbPath: emulators.dynamodbPath } : {}),
      env,
      ...(pollers ? { pollers } : {}),
      ...(schedules ? { schedules } : {}),
      usage: () => ({
        invocations: addInvocationTallies(invocationTallies(), workerHost?.invocations() ?? {}),
        emulators: runningEmulators.usage(),
      }),
      stop() {
        stopping ??= shutDown();
        return stopping;
      },
    };
  } catch (error) {
    await shutDown().catch(() => undefined);
    throw error;
  }
}
