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
  /** Part 3: orders, and the simulator's limit on all Transatel calls per second. */
  bulkOrders: number;
  rps: number;
  /** Part 3, control run: a limit the machine can keep up with (0: none), with at most this many orders. */
  controlRps: number;
  controlOrders: number;
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

  --quick              every part at a size that finishes in under a minute in total
  --orders N           orders of the bulk run (default 10000) and of the reliability run (default 2000)
  --rps R              simulator rate limit on all Transatel calls, per second (default 200)
  --control-rps R      bulk control run at a limit this machine keeps up with (default 40; 0: none)
  --bulk-runs N        the main bulk run N times, each in a fresh stack, and their spread (default 1)
  --runs N             cold-init runs per bundle (default 101)
  --node PATH          also measure cold init with this node binary: Lambda runs nodejs22.x, this machine
                       Node ${process.versions.node.split('.')[0]} (docs/performance.md: Node 22 from npm)
  --calls N            warm-overhead calls (default 2000)
  --abuse N            webhook-abuse requests (default 1500)
  --fuzz N             fuzz requests per route (default 10000)
  --variant NAME       reliability run against this simulator variant: ${SIMULATOR_VARIANTS.join(', ')}
                       (default documented; npm start -- --help says what each changes)
  --aws-faults         reliability run with AWS faults too: the functions' DynamoDB, SQS, SNS and S3 calls
                       4 % throttled, 3 % answered 500/503, 2 % processed then reset before the answer
                       (seeded; local/aws-faults.ts); the report counts each kind injected

--quick: cold init 2 runs, 300 warm calls (no latency variant), bulk 60 orders (no
control run), reliability 24 orders with 5 s visibility timeout and claim lease, 150 webhook requests, 40 fuzz
requests per route, 10 SIMs topped up by a policy (default 200, each exhausted event replayed 3 times); the
bundle part alone, then the others two at a time (the default: one at a time).
  --out FILE           also write the report (markdown) to FILE
  -h, --help           this help`;

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
      'control-rps': { type: 'string' },
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
  const controlRps = values['control-rps'] === '0' ? 0 : positiveInt('--control-rps', values['control-rps']);
  return {
    quick,
    parts: parts.length === 0 ? [...PARTS] : PARTS.filter((part) => parts.includes(part)),
    coldInitRuns: positiveInt('--runs', values.runs) ?? (quick ? 2 : 101),
    warmCalls: positiveInt('--calls', values.calls) ?? (quick ? 300 : 2000),
    warmup: quick ? 50 : 300,
    warmLatencyMs: quick ? 0 : 10,
    bulkOrders: orders ?? (quick ? 60 : 10_000),
    rps: positiveInt('--rps', values.rps) ?? 200,
    controlRps: controlRps ?? (quick ? 0 : 40),
    controlOrders: 600,
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
