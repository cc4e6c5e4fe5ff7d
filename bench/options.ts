import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { isSimulatorVariant, SIMULATOR_VARIANTS, type SimulatorVariant } from '../local/simulator/index.js';

export const PARTS = ['bundle', 'warm', 'bulk', 'reliability', 'webhooks', 'fuzz', 'policies'] as const;
export type PartName = (typeof PARTS)[number];

const ALIASES: Record<string, PartName> = {
  'cold-init': 'bundle',
  bundles: 'bundle',
  overhead: 'warm',
  throughput: 'bulk',
  'webhook-abuse': 'webhooks',
  abuse: 'webhooks',
  webhook: 'webhooks',
};

/** Sizes of every part; `--quick` picks small ones, enough to check that every part works. */
export interface BenchOptions {
  quick: boolean;
  parts: PartName[];
  /** Part 1: fresh processes per bundle. */
  coldInitRuns: number;
  /** Part 1: measure cold init once more with this Node binary (e.g. Node 22, the runtime Lambda runs). */
  coldInitNode?: string;
  /** Part 2: handler calls (and as many bare-fetch pairs), after this many warm-up calls each. */
  warmCalls: number;
  warmup: number;
  /** Part 2, second measurement: latency on each Transatel call, like a remote API (0: skip). */
  warmLatencyMs: number;
  /**
   * Part 3: orders, and the simulator's limit on all Transatel calls per second, of the main run: a limit this
   * machine keeps up with, so that the rate limit binds as it does on AWS (the throughput target).
   */
  bulkOrders: number;
  rps: number;
  /** Part 3: the same orders again at a limit where this machine's CPU binds (0: none); no target. */
  cpuRps: number;
  /** Part 3: the main bulk run this many times (their spread is a target). */
  bulkRuns: number;
  /** Part 4: orders, SQS visibility timeout and plan claim lease (seconds). */
  reliabilityOrders: number;
  reliabilityVisibilitySeconds: number;
  reliabilityClaimLeaseSeconds: number;
  /** Part 4: how the simulator answers where Transatel's documentation is silent. */
  reliabilityVariant: SimulatorVariant;
  /** Part 4: AWS faults too (throttling, 5xx, resets after processing) on the functions' AWS calls. */
  reliabilityAwsFaults: boolean;
  /** Part 5: webhook requests, and the events queue's visibility timeout (a replay in flight waits that long). */
  abuseRequests: number;
  abuseVisibilitySeconds: number;
  /** Part 6: requests per route. */
  fuzzPerRoute: number;
  /** Part 7: SIMs whose plan runs out, and replays of each exhausted event. */
  policySims: number;
  policyReplays: number;
  /** Also write the report (a markdown section) to this file. */
  out?: string;
}

export const USAGE = `Usage: npm run bench -- [part...] [options]

Parts (default: all, in this order): ${PARTS.join(', ')}

The targets are anchored to Lambda, not to this machine:
  bundle   no function's bundle larger than the reference's, and every function's cold init at most 1.3×
           the reference's on Node 22, Lambda's nodejs22.x (--node). The reference, bench/reference/
           handler.ts, is what a conventional Lambda of this kind imports and builds at init: the AWS SDK's
           SQS client and DynamoDB document client, Powertools' logger, middy and zod. The ratio on this
           machine's Node ${process.versions.node.split('.')[0]} is reported, with no target.
  bulk     at least 0.9 of the rate-limit ceiling at R 100 (N 3,000): on AWS Transatel's rate limit, not
           the CPU, bounds throughput, and this machine's two cores keep up with R 100. The same orders at
           R 200, where this machine's CPU binds, report orders/s and CPU per order by process (no target).
           Also: Transatel calls per order ≤ 2.2, ≤ 3.0 with 30 s activations; 0 plans bought twice.

Options:
  --quick              every part small, only to check that each works (below)
  --orders N           orders of the bulk runs (default 3000) and of the reliability run (default 2000)
  --rps R              the main bulk run's limit on all Transatel calls, per second (default 100): the
                       throughput target is checked there
  --cpu-rps R          the same orders again at this limit, where this machine's CPU binds: orders/s and CPU
                       per order by process, no target (default 200; 0: none)
  --bulk-runs N        the main bulk run N times, each in a fresh stack, and their spread (default 1)
  --runs N             cold-init runs per bundle (default 101)
  --node PATH          measure cold init with this node binary too, in as many rounds: a Node 22 binary
                       (docs/performance.md: from npm), the functions' runtime. Without one (this machine
                       runs Node ${process.versions.node.split('.')[0]}) the Node 22 target row says NOT MEASURED
  --calls N            warm-overhead calls (default 2000)
  --abuse N            webhook-abuse requests (default 1500)
  --fuzz N             fuzz requests per route (default 10000)
  --variant NAME       reliability run against this simulator variant: ${SIMULATOR_VARIANTS.join(', ')}
                       (default documented; npm start -- --help says what each changes)
  --aws-faults         reliability run with AWS faults too: the functions' DynamoDB, SQS, SNS and S3 calls
                       4 % throttled, 3 % answered 500/503, 2 % processed then reset before the answer
                       (seeded; local/aws-faults.ts); the report counts each kind injected
  --out FILE           also write the report (markdown) to FILE
  -h, --help           this help

--quick: cold init 2 runs, 300 warm calls (no latency variant), bulk 60 orders at R 100 and 60 at --cpu-rps
(no slow activations), reliability 24 orders with 5 s visibility timeout and claim lease, 150 webhook
requests, 40 fuzz requests per route, 10 SIMs topped up by a policy (default 200, each exhausted event
replayed 3 times); the bundle part alone, then the others two at a time (the default: one at a time).

Not parts, run on their own:
  npx tsx bench/aliases.ts --node PATH [--runs N] [--only a,b] [--each]
                       each function's cold init with and without infra/bundling.ts's aliases, in the same
                       rounds: a bundling trick stays only if it saves ≥ 10 ms of cold init on Node 22
  npx tsx bench/instructions.ts [--repeat N]
                       cold init counted in CPU instructions (valgrind), a cross-check of the bundle part`;

function positiveInt(flag: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^[1-9][0-9]*$/.test(raw)) throw new Error(`${flag} must be a positive whole number, got '${raw}'`);
  return Number(raw);
}

/** Parses the command line; undefined for --help. Throws with a readable message on bad input. */
export function parseBenchArgs(argv: readonly string[]): BenchOptions | undefined {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      quick: { type: 'boolean', default: false },
      orders: { type: 'string' },
      rps: { type: 'string' },
      runs: { type: 'string' },
      'bulk-runs': { type: 'string' },
      'cpu-rps': { type: 'string' },
      calls: { type: 'string' },
      abuse: { type: 'string' },
      fuzz: { type: 'string' },
      out: { type: 'string' },
      node: { type: 'string' },
      variant: { type: 'string' },
      'aws-faults': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return undefined;
  const parts = positionals.map((name) => {
    const part = (PARTS as readonly string[]).includes(name) ? (name as PartName) : ALIASES[name];
    if (!part) throw new Error(`unknown part '${name}' (parts: ${PARTS.join(', ')})`);
    return part;
  });
  if (values.node !== undefined && !existsSync(values.node))
    throw new Error(`--node: no file at '${values.node}'`);
  if (values.variant !== undefined && !isSimulatorVariant(values.variant))
    throw new Error(`--variant must be one of ${SIMULATOR_VARIANTS.join(', ')}, got '${values.variant}'`);
  const quick = values.quick;
  const orders = positiveInt('--orders', values.orders);
  const cpuRps = values['cpu-rps'] === '0' ? 0 : positiveInt('--cpu-rps', values['cpu-rps']);
  return {
    quick,
    parts: parts.length === 0 ? [...PARTS] : PARTS.filter((part) => parts.includes(part)),
    coldInitRuns: positiveInt('--runs', values.runs) ?? (quick ? 2 : 101),
    warmCalls: positiveInt('--calls', values.calls) ?? (quick ? 300 : 2000),
    warmup: quick ? 50 : 300,
    warmLatencyMs: quick ? 0 : 10,
    bulkOrders: orders ?? (quick ? 60 : 3000),
    rps: positiveInt('--rps', values.rps) ?? 100,
    cpuRps: cpuRps ?? 200,
    bulkRuns: positiveInt('--bulk-runs', values['bulk-runs']) ?? 1,
    reliabilityOrders: orders ?? (quick ? 24 : 2000),
    reliabilityVisibilitySeconds: quick ? 5 : 45,
    reliabilityClaimLeaseSeconds: quick ? 5 : 60,
    reliabilityVariant: values.variant ?? 'documented',
    reliabilityAwsFaults: values['aws-faults'],
    abuseRequests: positiveInt('--abuse', values.abuse) ?? (quick ? 150 : 1500),
    abuseVisibilitySeconds: quick ? 1 : 5,
    fuzzPerRoute: positiveInt('--fuzz', values.fuzz) ?? (quick ? 40 : 10_000),
    policySims: quick ? 10 : 200,
    policyReplays: quick ? 1 : 3,
    ...(values.out ? { out: values.out } : {}),
    ...(values.node ? { coldInitNode: values.node } : {}),
  };
}
