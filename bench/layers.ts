import { mkdir, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { build } from 'esbuild';
import { BUNDLE_ALIASES, ESM_REQUIRE_BANNER } from '../infra/bundling.js';
import { outRoot, projectRoot } from './paths.js';

/** One step of the layered bundles: what it adds to the one before. */
interface LayerSpec {
  name: string;
  adds: string;
  /** Import lines added to the previous layer's. */
  imports: string[];
}

/**
 * Handlers that import a growing part of what activation-api imports, from the HTTP functions' shell to the
 * whole function, then what a workflow worker adds to reach Transatel: their cold inits, measured with the
 * functions' and the reference's, say where a function's init time goes. Each layer keeps what it imports
 * alive by exporting it, so nothing is tree-shaken away.
 */
const LAYERS: LayerSpec[] = [
  {
    name: 'layer-0',
    adds: 'Powertools logger, middy, zod/mini, problem+json (shared/lambda/http.ts): every HTTP function',
    imports: ["export { httpHandler } from './shared/lambda/http.ts';"],
  },
  {
    name: 'layer-1',
    adds: "+ the AWS SDK's DynamoDB document client (@aws-sdk/lib-dynamodb over @aws-sdk/client-dynamodb)",
    imports: [
      "export { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';",
      "export { DynamoDBClient } from '@aws-sdk/client-dynamodb';",
    ],
  },
  {
    name: 'layer-2',
    adds: "+ the AWS SDK's SQS client (@aws-sdk/client-sqs)",
    imports: ["export { SQSClient } from '@aws-sdk/client-sqs';"],
  },
  {
    name: 'layer-3',
    adds: '+ the order schema and store, orders table config (shared/wiring/clients/dynamo.ts): ~orders-api',
    imports: ["export { orderStore } from './shared/wiring/clients/dynamo.ts';"],
  },
  {
    name: 'layer-4',
    adds: '+ idempotency records, SQS work queue, ordering request schemas, order intake',
    imports: [
      "export { idempotencyStore } from './shared/wiring/clients/idempotency.ts';",
      "export { workQueue } from './shared/wiring/clients/sqs.ts';",
      "export * as ordering from './shared/api/requests/ordering.ts';",
      "export { acceptOrder } from './shared/workflow/intake.ts';",
    ],
  },
  {
    name: 'layer-5',
    adds: "+ the plan check against catalog-sync's copy of the catalogue: = activation-api",
    imports: ["export { knownPlanIds } from './shared/wiring/known-plans.ts';"],
  },
  {
    name: 'layer-6',
    adds: '+ the Transatel secret, HTTP layer, Connectivity and OCS APIs (the workers)',
    imports: [
      "export { transatelHttp } from './shared/wiring/clients/transatel.ts';",
      "export { ConnectivityApi } from './shared/transatel/connectivity.ts';",
      "export { OcsInventoryApi } from './shared/transatel/ocs-inventory.ts';",
      "export { OcsSubscriptionsApi } from './shared/transatel/ocs-subscriptions.ts';",
    ],
  },
];

export interface LayerBundle {
  name: string;
  adds: string;
  file: string;
  bytes: number;
}

/** Bundles every layer as the functions are bundled (bench/bundle.ts), with a no-op handler export. */
export async function bundleLayers(outDir = resolve(outRoot, 'layers')): Promise<LayerBundle[]> {
  await mkdir(outDir, { recursive: true });
  // Each layer imports its own lines and every earlier layer's; the builds are independent, so they run at once.
  return Promise.all(
    LAYERS.map(async (layer, index) => {
      const imports = LAYERS.slice(0, index + 1).flatMap((each) => each.imports);
      const file = resolve(outDir, `${layer.name}.mjs`);
      await build({
        absWorkingDir: projectRoot,
        stdin: {
          contents: `${imports.join('\n')}\nexport const handler = async () => undefined;\n`,
          resolveDir: projectRoot,
          loader: 'ts',
        },
        outfile: file,
        bundle: true,
        platform: 'node',
        target: 'node22',
        format: 'esm',
        minify: true,
        mainFields: ['module', 'main'],
        banner: { js: ESM_REQUIRE_BANNER },
        alias: { ...BUNDLE_ALIASES },
        logLevel: 'warning',
      });
      return { name: layer.name, adds: layer.adds, file, bytes: (await stat(file)).size };
    }),
  );
}
