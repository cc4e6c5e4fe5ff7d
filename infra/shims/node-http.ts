/**
 * Bundled in place of `node:http` (infra/bundling.ts). On Node 22, the runtime of the functions, an ES
 * import of a built-in module makes Node copy every export of it onto the ES module, and `node:http` has
 * lazy exports (its WebSocket and friends) that load Node's copy of undici when read: ~20 ms of every cold
 * start, for code no function runs (measured: `npm run bench -- bundle --node <node22>`, docs/design.md). The
 * same module loaded with `require` is the same object, and only the exports read below are touched.
 */
import { createRequire } from 'node:module';

const http: typeof import('node:http') = createRequire(import.meta.url)('node:http');

export default http;
export const { Agent, ClientRequest, IncomingMessage, STATUS_CODES, Server, createServer, get, request } =
  http;
