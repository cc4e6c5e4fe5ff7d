/**
 * Bundled in place of `node:http` (infra/bundling.ts). On Node 22, the functions' runtime, an ES import of a
 * built-in copies all its exports, and `node:http`'s lazy ones (WebSocket and friends) load Node's own undici
 * when read: a cost at every cold start for code no function runs (docs/design.md). `require` gives the same
 * module without reading them; only the exports below are touched.
 */
import { createRequire } from 'node:module';

const http: typeof import('node:http') = createRequire(import.meta.url)('node:http');

export default http;
export const { Agent, ClientRequest, IncomingMessage, STATUS_CODES, Server, createServer, get, request } =
  http;
