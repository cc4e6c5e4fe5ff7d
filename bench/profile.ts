import { Session } from 'node:inspector/promises';

/** A V8 CPU profile, as the inspector returns it (the fields used here). */
interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string }; children?: number[] }[];
  samples: number[];
  timeDeltas: number[];
}

const COMPONENTS: [string, RegExp][] = [
  [
    'DynamoDB emulator (dynalite, LevelDB)',
    /node_modules\/(dynalite|level|memdown|abstract-leveldown|encoding-down|deferred-leveldown|levelup|subleveldown|lazy|big\.js|buffer-crc32|once|async|lock)\//,
  ],
  [
    'SQS/SNS emulator (fauxqs, fastify)',
    /node_modules\/(fauxqs|fastify|@fastify|avvio|light-my-request|find-my-way|pino|fast-json-stringify|ajv|fast-uri|secure-json-parse|fast-xml-parser)\//,
  ],
  ['Transatel simulator', /\/local\/simulator\//],
  [
    'AWS SDK packages (SigV4 signer, DynamoDB marshaller)',
    /node_modules\/(@aws-sdk|@smithy|@aws-crypto|tslib|bowser|mnemonist|obliterator|strnum)\//,
  ],
  [
    'product code (functions/, shared/, zod, middy, Powertools)',
    /(\/work\/[^/]+\/(functions|shared)\/|node_modules\/(zod|@middy|@aws-lambda-powertools|@aws\/lambda-invoke-store|qrcode)\/)/,
  ],
  ['local runtime (gateway, pollers)', /\/local\/[a-z-]+\.ts/],
  ['bench driver', /\/bench\//],
  ['fetch (undici)', /undici/],
  ['TypeScript loader (tsx)', /node_modules\/(tsx|esbuild)\/|esm\/hooks/],
];

function componentOf(url: string): string | undefined {
  if (!url) return undefined;
  for (const [name, pattern] of COMPONENTS) if (pattern.test(url)) return name;
  return undefined;
}

/** CPU time by component: each sample goes to the innermost frame that belongs to a known component. */
export function cpuByComponent(profile: CpuProfile): { component: string; ms: number }[] {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const memo = new Map<number, string>();
  const classify = (id: number): string => {
    const known = memo.get(id);
    if (known) return known;
    let current: number | undefined = id;
    let found: string | undefined;
    while (current !== undefined && !found) {
      found = componentOf(byId.get(current)?.callFrame.url ?? '');
      current = parent.get(current);
    }
    const name = byId.get(id)?.callFrame.functionName;
    const result =
      found ??
      (name === '(garbage collector)'
        ? 'garbage collection'
        : name === '(idle)'
          ? 'idle'
          : 'Node internals (sockets, HTTP parsing, timers)');
    memo.set(id, result);
    return result;
  };
  const totals = new Map<string, number>();
  profile.samples.forEach((id, index) => {
    const component = classify(id);
    totals.set(component, (totals.get(component) ?? 0) + (profile.timeDeltas[index] ?? 0) / 1000);
  });
  return [...totals.entries()].map(([component, ms]) => ({ component, ms })).sort((a, b) => b.ms - a.ms);
}

/** Samples this process's CPU (1 ms interval) until `stop()`. */
export async function startCpuProfile(): Promise<{ stop(): Promise<{ component: string; ms: number }[]> }> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 1000 });
  await session.post('Profiler.start');
  return {
    async stop() {
      const { profile } = (await session.post('Profiler.stop')) as { profile: CpuProfile };
      session.disconnect();
      return cpuByComponent(profile);
    },
  };
}
