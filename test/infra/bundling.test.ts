import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { aliasEsbuildArgs, BUNDLE_ALIASES, ESM_REQUIRE_BANNER } from '#infra/bundling.js';

const outDir = await mkdtemp(join(tmpdir(), 'bundling-test-'));
afterAll(() => rm(outDir, { recursive: true, force: true }));

/** A handler bundled as the functions are, with or without the aliases. */
async function bundleHandler(contents: string, withAliases: boolean): Promise<string> {
  const result = await build({
    stdin: { contents, resolveDir: process.cwd(), loader: 'ts' },
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'esm',
    mainFields: ['module', 'main'],
    banner: { js: ESM_REQUIRE_BANNER },
    ...(withAliases ? { alias: { ...BUNDLE_ALIASES } } : {}),
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles[0]?.text ?? '';
}

async function importBundle<Module>(name: string, code: string): Promise<Module> {
  const file = join(outDir, name);
  await writeFile(file, code);
  return (await import(pathToFileURL(file).href)) as Module;
}

describe('bundling aliases', () => {
  it('load node:http with require, and the AWS SDK still talks HTTP through it', async () => {
    // A SendMessage through the bundled SQS client, answered by a stand-in SQS on 127.0.0.1 (the SDK checks
    // the body's MD5), and the http exports the SDK and the Transatel client use.
    const contents = `
      import { SQSClient, SendMessageCommand } from '@aws-sdk/client-sqs';
      import http from 'node:http';
      import { Agent as HttpAgent, request as httpRequest } from 'node:http';
      export async function send(endpoint) {
        const client = new SQSClient({ endpoint, region: 'eu-west-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
        const answer = await client.send(new SendMessageCommand({ QueueUrl: endpoint + '/000000000000/q', MessageBody: 'hello' }));
        client.destroy();
        return answer.MessageId;
      }
      export const httpExports = [typeof http.request, typeof httpRequest, new HttpAgent({ keepAlive: true }) instanceof http.Agent];
    `;
    expect(await bundleHandler(contents, false)).toMatch(/from\s*"node:http"/);
    const aliased = await bundleHandler(contents, true);
    expect(aliased).not.toMatch(/from\s*"node:http"/);

    const server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => {
        body += chunk.toString();
      });
      request.on('end', () => {
        const { MessageBody } = JSON.parse(body) as { MessageBody: string };
        const md5 = createHash('md5').update(MessageBody).digest('hex');
        response.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
        response.end(JSON.stringify({ MessageId: 'message-1', MD5OfMessageBody: md5 }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const bundled = await importBundle<{
        send: (endpoint: string) => Promise<string>;
        httpExports: unknown[];
      }>('sdk-over-shims.mjs', aliased);
      expect(await bundled.send(`http://127.0.0.1:${port}`)).toBe('message-1');
      expect(bundled.httpExports).toEqual(['function', 'function', true]);
    } finally {
      server.close();
    }
  });

  it('reach CDK as --alias arguments naming existing shims', () => {
    const { '--alias': aliases } = aliasEsbuildArgs();
    expect(aliases).toEqual(Object.entries(BUNDLE_ALIASES).map(([from, to]) => `${from}=${to}`));
    expect(Object.keys(BUNDLE_ALIASES)).toEqual(expect.arrayContaining(['node:http', 'http']));
    for (const target of Object.values(BUNDLE_ALIASES)) expect(existsSync(target)).toBe(true);
  });
});
