import { mkdir, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { build } from 'esbuild';
import { ESM_REQUIRE_BANNER } from './bundle.js';
import { outRoot, projectRoot } from './paths.js';

/** One step of the layered bundles: what it adds to the one before. */
interface LayerSpec {
  name: string;
  adds: string;
  /** Import lines added to the previous layer's. */
  imports: string[];
}

/**
 * Handlers that import a growing part of what the functions import, from the reference (SQS client only) to
 * a worker's whole stack: their cold inits, measured with the functions', say where a function's init time
 * beyond the reference goes. Each layer keeps what it imports alive by exporting it.
 */
const LAYERS: LayerSpec[] = [
  {
    name: 'layer-0',
    adds: 'the reference: @aws-sdk/client-sqs',
    imports: ["export { SQSClient } from '@aws-sdk/client-sqs';"],
  },
  {
    name: 'layer-1',
    adds: '+ @aws-sdk/client-secrets-manager',
    imports: ["export { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';"],
  },
  {
    name: 'layer-2',
    adds: '+ Powertools parameters (SecretsProvider)',
    imports: ["export { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';"],
  },
  {
    name: 'layer-3',
    adds: '+ Powertools logger, middy core and header normalizer (shared/runtime/http.ts)',
    imports: ["export { httpHandler } from './shared/runtime/http.ts';"],
  },
  {
    name: 'layer-4',
    adds: '+ zod/mini and the environment schemas (shared/runtime/config.ts)',
    imports: ["export * as config from './shared/runtime/config.ts';"],
  },
  {
    name: 'layer-5',
    adds: '+ the Transatel client: HTTP layer and every API module with its response schemas',
    imports: ["export { createTransatelClient } from './shared/transatel/client.ts';"],
  },
  {
    name: 'layer-6',
    adds: '+ the public API request schemas (shared/api/requests.ts)',
    imports: ["export * as requests from './shared/api/requests.ts';"],
  },
  {
    name: 'layer-7',
    adds: '+ the order store: DynamoDB document client and the order schema',
    imports: ["export { DynamoOrderStore } from './shared/store/dynamo-order-store.ts';"],
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
  const bundles: LayerBundle[] = [];
  const imports: string[] = [];
  for (const layer of LAYERS) {
    imports.push(...layer.imports);
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
      logLevel: 'warning',
    });
    bundles.push({ name: layer.name, adds: layer.adds, file, bytes: (await stat(file)).size });
  }
  return bundles;
}
