import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { buildOpenApiDocument } from '../shared/api/openapi.js';

/** `npm run openapi [-- <file>] [--server-url URL]`: writes the OpenAPI document (default docs/openapi.json). */
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { 'server-url': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
});

if (values.help) {
  process.stdout.write('Usage: npm run openapi -- [file (default docs/openapi.json)] [--server-url URL]\n');
} else {
  const file = resolve(positionals[0] ?? 'docs/openapi.json');
  const serverUrl = values['server-url'];
  const document = buildOpenApiDocument(serverUrl ? { serverUrl } : {});
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify(document, null, 2)}\n`);
  process.stdout.write(`OpenAPI document written to ${file}\n`);
}
