import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { iccidFor } from '../local/simulator/index.js';
import type { LocalStack } from '../local/stack.js';
import { ordersTableIndexes } from '../shared/store/dynamo-order-store.js';
import { forEachAtOnce } from './at-once.js';
import { drainDeadLetters, sleep } from './orders.js';
import { startBenchStack } from './stack.js';
import { median, quantile, sum } from './stats.js';
import { fmtInt, type PartResult, type Table } from './table.js';

/**
 * Auto top-ups under duplicates: SIMs whose plan runs out while a policy covers them, the exhausted webhook
 * duplicated and reordered by the simulator and replayed under new event ids, all at once. What counts: how many
 * top-ups each trigger occurrence ordered (it must be 1), and how long a SIM was without data.
 */

const PLAN = 'IOTC_CAPPED_EU_1GB_1M';
const LOCAL = { region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };

export interface PoliciesOptions {
  /** SIMs whose plan runs out, one trigger occurrence each. */
  sims: number;
  /** Replays of each SIM's exhausted event under new event ids, sent at once. */
  replays: number;
  progress: (line: string) => void;
}

export interface PoliciesReport {
  sims: number;
  replaysSent: number;
  exhaustedEmitted: number;
  webhookDeliveries: number;
  webhooksDuplicated: number;
  webhooksReordered: number;
  /** Top-up orders per occurrence (one occurrence per SIM): the figure that must be 1. */
  topUpsPerOccurrence: { min: number; max: number; total: number };
  topUpsCompleted: number;
  /** Exhaustion to top-up COMPLETED, seconds. */
  secondsWithoutData: { median: number; p95: number; max: number };
  deadLetters: number;
  wallSeconds: number;
}

interface TopUp {
  status: string;
  createdAt: string;
  updatedAt: string;
}

async function topUpsOf(client: DynamoDBDocumentClient, table: string, iccid: string): Promise<TopUp[]> {
  const { Items = [] } = await client.send(
    new QueryCommand({
      TableName: table,
      IndexName: ordersTableIndexes.byIccid,
      KeyConditionExpression: '#iccid = :iccid',
      ExpressionAttributeNames: { '#iccid': 'iccid' },
      ExpressionAttributeValues: { ':iccid': iccid },
    }),
  );
  return Items.filter((item) => typeof item.policyId === 'string') as unknown as TopUp[];
}

/** Messages still on the policy and events queues (visible or in flight). */
async function inFlight(sqs: SQSClient, stack: LocalStack): Promise<number> {
  let count = 0;
  for (const url of [stack.queueUrls.events, stack.queueUrls.policy, stack.queueUrls.plan]) {
    const { Attributes = {} } = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: url,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    count += Number(Attributes.ApproximateNumberOfMessages ?? 0);
    count += Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0);
  }
  return count;
}

export async function runPolicies(options: PoliciesOptions): Promise<PoliciesReport> {
  const { progress } = options;
  // Seeded Active SIMs with an even index carry a plan: those are the ones that run out.
  const sims = Array.from({ length: options.sims }, (_, i) => iccidFor('active', 2 * i));
  const bench = await startBenchStack({
    simulator: { activationDelayMs: 0, simCounts: { active: 2 * options.sims, available: 0 } },
    webhookRetryScheduleMs: Array.from({ length: 20 }, () => 2_000),
    env: { POLICY_CACHE_SECONDS: '0' },
  });
  const { stack } = bench;
  const dynamo = DynamoDBDocumentClient.from(
    new DynamoDBClient({ ...LOCAL, endpoint: stack.endpoints.dynamodb }),
  );
  const sqs = new SQSClient({ ...LOCAL, endpoint: stack.endpoints.sqs });
  try {
    const put = await fetch(`${stack.url}/v1/policies/bench-topup`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        scope: { all: true },
        trigger: { on: 'exhausted' },
        action: { planId: PLAN },
        // Room for more than one top-up a SIM: what holds them to one is the occurrence, not the limit.
        limits: { maxPerSimPerMonth: 5 },
      }),
    });
    if (put.status !== 201) throw new Error(`PUT /v1/policies answered ${put.status}: ${await put.text()}`);
    await bench.setFaults({ webhooks: { duplicateRate: 0.5, reorderRate: 0.3, reorderMaxHoldMs: 500 } });

    progress(
      `policies: exhausting the plans of ${sims.length} SIMs, each event replayed ${options.replays}×`,
    );
    const started = Date.now();
    const exhaustedAt = new Map<string, number>();
    await forEachAtOnce(sims, 8, async (iccid) => {
      exhaustedAt.set(iccid, Date.now());
      // More than any seeded plan holds (the largest is 5 GB): every plan runs out.
      await bench.simAdmin('POST', '/usage', { iccid, bytes: 8 * 1024 ** 3, country: 'FR' });
    });
    const { events } = await bench.simAdmin<{ events: { body: Record<string, unknown> }[] }>(
      'GET',
      `/events?type=OCS/PRODUCT/RESOURCE/EXHAUSTED&limit=${10 * sims.length}`,
    );
    const replays = events.flatMap((event) =>
      Array.from({ length: options.replays }, () => ({
        eventType: 'OCS/PRODUCT/RESOURCE/EXHAUSTED',
        body: event.body,
      })),
    );
    await forEachAtOnce(replays, 16, (replay) => bench.simAdmin('POST', '/webhooks/test', replay));

    // Settled: every SIM has its top-up COMPLETED and nothing is left on the queues, twice in a row.
    const table = stack.resources.tables.orders;
    const deadline = Date.now() + 300_000;
    let quietChecks = 0;
    let topUps = new Map<string, TopUp[]>();
    for (;;) {
      topUps = new Map();
      await forEachAtOnce(
        sims,
        8,
        async (iccid) => void topUps.set(iccid, await topUpsOf(dynamo, table, iccid)),
      );
      const done = sims.filter((iccid) =>
        topUps.get(iccid)?.some((order) => order.status === 'COMPLETED'),
      ).length;
      const pending = await inFlight(sqs, stack);
      progress(`policies: ${done}/${sims.length} SIMs topped up, ${pending} messages in flight`);
      quietChecks = done === sims.length && pending === 0 ? quietChecks + 1 : 0;
      if (quietChecks >= 2 || Date.now() > deadline) break;
      await sleep(1_000);
    }
    const wallSeconds = (Date.now() - started) / 1000;
    const counters = await bench.counters();
    const perOccurrence = sims.map((iccid) => topUps.get(iccid)?.length ?? 0);
    const withoutData = sims.flatMap((iccid) => {
      const completed = topUps.get(iccid)?.find((order) => order.status === 'COMPLETED');
      return completed ? [(Date.parse(completed.updatedAt) - (exhaustedAt.get(iccid) ?? 0)) / 1000] : [];
    });
    return {
      sims: sims.length,
      replaysSent: replays.length,
      exhaustedEmitted: events.length,
      webhookDeliveries: counters.webhooks.delivered,
      webhooksDuplicated: counters.webhooks.duplicated,
      webhooksReordered: counters.webhooks.reordered,
      topUpsPerOccurrence: {
        min: Math.min(...perOccurrence),
        max: Math.max(...perOccurrence),
        total: sum(perOccurrence),
      },
      topUpsCompleted: withoutData.length,
      secondsWithoutData: {
        median: median(withoutData),
        p95: quantile(withoutData, 0.95),
        max: Math.max(...withoutData),
      },
      deadLetters: (await drainDeadLetters(stack)).length,
      wallSeconds,
    };
  } finally {
    dynamo.destroy();
    sqs.destroy();
    await bench.stop();
  }
}

export function policiesTables(report: PoliciesReport): Table[] {
  return [
    {
      title: `7. Auto top-ups under duplicates: ${fmtInt(report.sims)} SIMs whose plan runs out`,
      columns: ['figure', 'value', 'how measured'],
      rows: [
        [
          'top-ups per trigger occurrence',
          `min ${report.topUpsPerOccurrence.min}, max ${report.topUpsPerOccurrence.max} (${fmtInt(report.topUpsPerOccurrence.total)} for ${fmtInt(report.sims)} occurrences)`,
          'orders carrying the policy id, per SIM, read from the orders table once every queue is empty',
        ],
        [
          'exhausted events, and copies',
          `${fmtInt(report.exhaustedEmitted)} exhausted events, ${fmtInt(report.replaysSent)} replays of them under new event ids; webhooks of every type ${fmtInt(report.webhooksDuplicated)} duplicated, ${fmtInt(report.webhooksReordered)} reordered`,
          '/_sim/events and /_sim/counters webhooks; replays through /_sim/webhooks/test, 16 at once',
        ],
        ['top-ups COMPLETED', fmtInt(report.topUpsCompleted), 'order status'],
        [
          'exhaustion to top-up COMPLETED',
          `median ${report.secondsWithoutData.median.toFixed(1)} s, p95 ${report.secondsWithoutData.p95.toFixed(1)} s, max ${report.secondsWithoutData.max.toFixed(1)} s`,
          'from the usage call that ran the plan out to the top-up order reaching COMPLETED',
        ],
        ['messages in the DLQs', fmtInt(report.deadLetters), 'all DLQs read after the run'],
        [
          'wall time',
          `${report.wallSeconds.toFixed(0)} s`,
          "first usage call to every queue empty; a copy that arrived while its first copy was being answered is retried after its queue's visibility timeout (2 minutes for the policy queue)",
        ],
      ],
      notes: [
        'One policy: scope all, trigger exhausted, 5 top-ups a SIM a month (more than one fits: only the occurrence holds it to one).',
        'Simulator webhooks: 50 % duplicated, 30 % reordered (held up to 500 ms); each exhausted event also replayed under new event ids.',
      ],
    },
  ];
}

export async function runPoliciesPart(options: PoliciesOptions): Promise<PartResult> {
  const started = performance.now();
  const report = await runPolicies(options);
  return {
    part: 'policies',
    seconds: (performance.now() - started) / 1000,
    tables: policiesTables(report),
    targets: [
      {
        target: 'auto top-up: exactly 1 top-up per trigger occurrence under duplicates',
        measured: `min ${report.topUpsPerOccurrence.min}, max ${report.topUpsPerOccurrence.max}`,
        pass: report.topUpsPerOccurrence.min === 1 && report.topUpsPerOccurrence.max === 1,
      },
    ],
  };
}
