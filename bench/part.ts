import { toParent } from './child.js';
import type { BenchOptions, PartName } from './options.js';
import type { PartResult } from './table.js';

/**
 * One bench part in a process of its own (forked by main.ts): the functions' process-wide clients and the
 * local stack's environment never leak from one part into the next. argv: part name, options as JSON.
 */
const part = process.argv[2] as PartName;
const options = JSON.parse(process.argv[3] ?? '{}') as BenchOptions;
const progress = (line: string) => void toParent({ kind: 'progress', line });

async function run(): Promise<PartResult> {
  switch (part) {
    case 'bundle': {
      const { runBundlePart } = await import('./cold-init-part.js');
      return runBundlePart({
        runs: options.coldInitRuns,
        ...(options.coldInitNode ? { node: options.coldInitNode } : {}),
        progress,
      });
    }
    case 'warm': {
      const { runWarm } = await import('./warm.js');
      return runWarm({
        calls: options.warmCalls,
        warmup: options.warmup,
        latencyMs: options.warmLatencyMs,
        latencyCalls: 300,
        progress,
      });
    }
    case 'bulk': {
      const { runBulk } = await import('./bulk.js');
      return runBulk({
        orders: options.bulkOrders,
        rps: options.rps,
        cpuRps: options.cpuRps,
        runs: options.bulkRuns,
        ...(options.quick ? {} : { slowActivation: { orders: 100, delayMs: 30_000 } }),
        progress,
      });
    }
    case 'reliability': {
      const { runReliabilityPart } = await import('./reliability.js');
      return runReliabilityPart({
        orders: options.reliabilityOrders,
        visibilityTimeoutSeconds: options.reliabilityVisibilitySeconds,
        claimLeaseSeconds: options.reliabilityClaimLeaseSeconds,
        variant: options.reliabilityVariant,
        awsFaults: options.reliabilityAwsFaults,
        progress,
      });
    }
    case 'webhooks': {
      const { runWebhookAbuse } = await import('./webhook-abuse.js');
      return runWebhookAbuse({
        requests: options.abuseRequests,
        visibilitySeconds: options.abuseVisibilitySeconds,
        progress,
      });
    }
    case 'fuzz': {
      const { runFuzz } = await import('./fuzz.js');
      return runFuzz({ perRoute: options.fuzzPerRoute, progress });
    }
    case 'policies': {
      const { runPoliciesPart } = await import('./policies.js');
      return runPoliciesPart({ sims: options.policySims, replays: options.policyReplays, progress });
    }
    default:
      throw new Error(`unknown part ${String(part)}`);
  }
}

try {
  const value = await run();
  await toParent({ kind: 'result', value });
  process.exit(0);
} catch (error) {
  const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
  console.error(message);
  await toParent({ kind: 'error', message });
  process.exit(1);
}
