import { Agent, request } from 'node:http';
import { startLocalSecretsManager } from '../local/secrets-manager.js';
import { iccidFor } from '../local/simulator/index.js';
import { logger } from '../shared/lambda/logger.js';
import { createTransatelClient } from '../shared/transatel/client.js';
import { apiEvent, lambdaContext } from '../test/support/api-event.js';
import { forkTs } from './child.js';
import { outRoot } from './paths.js';
import { median, p99 } from './stats.js';
import { fmtMs, fmtRatio, type PartResult, type Table } from './table.js';

const CM = '/connectivity-management/subscribers/api';
const INVENTORY = '/ocs/inventory/api/subscriptions/products';
const BATCH = 100;
export const WARM_TARGET = 1.1;

type Path = 'bare' | 'bareHttp' | 'client' | 'handlerQuiet' | 'handler';

const LABELS: Record<Path, string> = {
  bare: 'bare fetch: GET subscriber + GET inventory, token fetched beforehand',
  bareHttp: 'bare node:http (keep-alive agent): the same 2 calls, no timeout, no validation',
  client: 'Transatel client (shared/transatel): the same 2 calls',
  handlerQuiet: 'balance-api handler, LOG_LEVEL WARN (no request log line)',
  handler: 'balance-api handler, LOG_LEVEL INFO (as staging and prod)',
};

async function token(baseUrl: string): Promise<string> {
  const response = await fetch(`${baseUrl}/authentication/api/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from('local-client:local-secret').toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: 'grant_type=client_credentials',
  });
  const body = (await response.json()) as { access_token: string };
  return body.access_token;
}

const keepAlive = new Agent({ keepAlive: true });

/** GET over node:http with a keep-alive agent, body as text: the least a client on Node can do. */
function httpGet(url: string, headers: Record<string, string>): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers, agent: keepAlive }, (res) => {
      res.setEncoding('utf8');
      let text = '';
      res.on('data', (chunk: string) => {
        text += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

async function time(call: () => Promise<void>, count: number, into: number[]): Promise<void> {
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    await call();
    into.push(performance.now() - started);
  }
}

/** Runs the paths in rounds of BATCH calls each, rotating which goes first, so machine drift hits all alike. */
async function measure(
  paths: readonly Path[],
  calls: (path: Path) => () => Promise<void>,
  count: number,
  progress: (line: string) => void,
): Promise<Map<Path, number[]>> {
  const samples = new Map<Path, number[]>(paths.map((path) => [path, []]));
  const rounds = Math.ceil(count / BATCH);
  for (let round = 0; round < rounds; round++) {
    const size = Math.min(BATCH, count - round * BATCH);
    for (let i = 0; i < paths.length; i++) {
      const path = paths[(round + i) % paths.length] as Path;
      // The quiet handler runs its whole batch at WARN: switching per call would time setLogLevel too.
      if (path === 'handlerQuiet') logger.setLogLevel('WARN');
      try {
        await time(calls(path), size, samples.get(path) ?? []);
      } finally {
        if (path === 'handlerQuiet') logger.setLogLevel('INFO');
      }
    }
    if (round % 5 === 4) progress(`warm: ${(round + 1) * BATCH} of ${count} calls per path`);
  }
  return samples;
}

export interface WarmOptions {
  calls: number;
  warmup: number;
  /** Also measure with this much latency on both Transatel routes (0: skip), with this many calls. */
  latencyMs: number;
  latencyCalls: number;
  progress: (line: string) => void;
}

/**
 * Part 2. The balance handler (GET /v1/sims/{iccid}/balance) called in-process with API Gateway events,
 * against a simulator in another process, versus the same two Transatel calls made with bare fetch; in
 * between, the Transatel client alone and the handler without its request log line, to show where the
 * overhead sits.
 */
export async function runWarm(options: WarmOptions): Promise<PartResult> {
  const started = performance.now();
  const server = forkTs('bench/sim-server.ts', [JSON.stringify({ activationDelayMs: 0 })], {
    logFile: `${outRoot}/logs/warm-simulator.log`,
  });
  // The handler reads the Transatel secret with the SDK's client, as in AWS: from the local stand-in (read once,
  // during the warm-up, then cached).
  const secretsManager = await startLocalSecretsManager();
  try {
    const { url } = await server.next('ready');
    const secretId = secretsManager.createSecret(
      'iot-capped-plans/bench/transatel',
      JSON.stringify({ clientId: 'local-client', clientSecret: 'local-secret', webhookSecrets: ['bench'] }),
    );
    Object.assign(process.env, {
      STAGE: 'bench',
      LOG_LEVEL: 'INFO',
      TRANSATEL_BASE_URL: url,
      TRANSATEL_MVNO_REF: 'M2MA_WW_TSL_LOCAL',
      TRANSATEL_SECRET_ID: secretId,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: secretsManager.url,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
    });
    // Imported only now: the handler's process-wide clients read the environment on first use.
    const { handler } = await import('../functions/balance-api/handler.js');
    const iccid = iccidFor('active', 0);
    const event = apiEvent({ routeKey: 'GET /v1/sims/{iccid}/balance', pathParameters: { iccid } });
    const context = lambdaContext('balance-api');
    const callHandler = async () => {
      const response = await handler(event, context);
      if (response.statusCode !== 200) throw new Error(`balance handler answered ${response.statusCode}`);
    };
    const client = createTransatelClient({
      baseUrl: url,
      mvnoRef: 'M2MA_WW_TSL_LOCAL',
      cos: 'WW_M2MA_COS_IOT_CONNECT',
      ratePlan: 'M2MA_WW_TSL_IOTCONNECT_CAPPED',
      credentials: async () => ({ clientId: 'local-client', clientSecret: 'local-secret' }),
    });
    const bearer = await token(url);
    const headers = { authorization: `Bearer ${bearer}`, accept: 'application/json' };
    const calls = (path: Path): (() => Promise<void>) => {
      switch (path) {
        case 'bare':
          return async () => {
            const subscriber = await fetch(`${url}${CM}/subscribers/sim-serial/${iccid}`, { headers });
            const { msisdn } = (await subscriber.json()) as { msisdn: string };
            const inventory = await fetch(`${url}${INVENTORY}?msisdn=${msisdn}&withBalances=true`, {
              headers,
            });
            await inventory.json();
            if (!subscriber.ok || !inventory.ok) throw new Error('bare fetch: Transatel call failed');
          };
        case 'bareHttp':
          return async () => {
            const subscriber = await httpGet(`${url}${CM}/subscribers/sim-serial/${iccid}`, headers);
            const { msisdn } = JSON.parse(subscriber.text) as { msisdn: string };
            const inventory = await httpGet(`${url}${INVENTORY}?msisdn=${msisdn}&withBalances=true`, headers);
            JSON.parse(inventory.text);
            if (subscriber.status !== 200 || inventory.status !== 200)
              throw new Error('bare http: call failed');
          };
        case 'client':
          return async () => {
            const subscriber = await client.connectivity.getSubscriber(iccid);
            await client.ocsInventory.listProducts(subscriber.msisdn ?? '');
          };
        default:
          return callHandler;
      }
    };

    const paths: Path[] = ['bare', 'bareHttp', 'client', 'handlerQuiet', 'handler'];
    options.progress(`warm: warming up (${options.warmup} calls per path)`);
    for (const path of paths) await time(calls(path), options.warmup, []);
    logger.setLogLevel('INFO');
    const samples = await measure(paths, calls, options.calls, options.progress);
    const bare = samples.get('bare') ?? [];
    const row = (path: Path): string[] => {
      const mine = samples.get(path) ?? [];
      return [
        LABELS[path],
        String(mine.length),
        fmtMs(median(mine), 3),
        fmtMs(p99(mine), 3),
        `${fmtRatio(median(mine) / median(bare))} / ${fmtRatio(p99(mine) / p99(bare))}`,
        `${((median(mine) - median(bare)) * 1000).toFixed(0)} µs`,
      ];
    };
    const handlerMs = samples.get('handler') ?? [];
    const medianRatio = median(handlerMs) / median(bare);
    const p99Ratio = p99(handlerMs) / p99(bare);
    const tables: Table[] = [
      {
        title: '2. Warm overhead: balance lookup (GET /v1/sims/{iccid}/balance = 2 Transatel calls)',
        columns: ['path', 'calls', 'median', 'p99', '× bare (median / p99)', '+ median'],
        rows: paths.map(row),
        notes: [
          `Sequential calls after ${options.warmup} warm-up calls per path; rounds of ${BATCH} calls per path, the order rotating every round, to cancel drift. Time = performance.now() around each call.`,
          'Handler: functions/balance-api (TypeScript through tsx) invoked in-process with a synthetic API Gateway v2 event: middy, header normalizer, zod validation of the path, Powertools logger (the INFO line goes to a log file), the Transatel client (cached token, zod-parsed responses), JSON response.',
          "The simulator (no fault, no latency) runs in its own process, so each side has a core. 'bare fetch' is Node's global fetch (undici, keep-alive), the baseline the target names; 'bare node:http' is the transport the Transatel client uses (shared/transatel/http-attempt.ts) with nothing else, so '+ median' of the handler over it is the whole cost of timeouts, retries' bookkeeping, zod, middy and logging.",
        ],
      },
    ];

    let latencyRatio: number | undefined;
    if (options.latencyMs > 0) {
      const admin = (body: unknown) =>
        fetch(`${url}/_sim/faults`, {
          method: 'PUT',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
      const latency = { latencyMs: options.latencyMs };
      await admin({ routes: { getSubscriber: latency, inventoryList: latency } });
      options.progress(`warm: again with ${options.latencyMs} ms of latency per Transatel call`);
      const slow = await measure(['bare', 'handler'], calls, options.latencyCalls, options.progress);
      await admin({});
      const slowBare = slow.get('bare') ?? [];
      const slowHandler = slow.get('handler') ?? [];
      latencyRatio = median(slowHandler) / median(slowBare);
      tables.push({
        title: `2b. Warm overhead with ${options.latencyMs} ms of latency on each Transatel call (a remote API)`,
        columns: ['path', 'calls', 'median', 'p99', '× bare (median / p99)'],
        rows: [
          [
            LABELS.bare,
            String(slowBare.length),
            fmtMs(median(slowBare), 2),
            fmtMs(p99(slowBare), 2),
            '1.00× / 1.00×',
          ],
          [
            LABELS.handler,
            String(slowHandler.length),
            fmtMs(median(slowHandler), 2),
            fmtMs(p99(slowHandler), 2),
            `${fmtRatio(latencyRatio)} / ${fmtRatio(p99(slowHandler) / p99(slowBare))}`,
          ],
        ],
        notes: [
          `Simulator fault latencyMs ${options.latencyMs} on getSubscriber and inventoryList; same method, ${options.latencyCalls} calls per path.`,
        ],
      });
    }
    return {
      part: 'warm',
      seconds: (performance.now() - started) / 1000,
      tables,
      targets: [
        {
          target: `warm overhead ≤ ${WARM_TARGET.toFixed(2)}× bare fetch (median, simulator without latency)`,
          measured: `${fmtRatio(medianRatio)} (p99 ${fmtRatio(p99Ratio)}; +${((median(handlerMs) - median(bare)) * 1000).toFixed(0)} µs a lookup)`,
          pass: medianRatio <= WARM_TARGET,
        },
        ...(latencyRatio === undefined
          ? []
          : [
              {
                target: `warm overhead ≤ ${WARM_TARGET.toFixed(2)}× bare fetch, ${options.latencyMs} ms per Transatel call`,
                measured: fmtRatio(latencyRatio),
                pass: latencyRatio <= WARM_TARGET,
              },
            ]),
      ],
    };
  } finally {
    await secretsManager.stop();
    await server.stop();
  }
}
