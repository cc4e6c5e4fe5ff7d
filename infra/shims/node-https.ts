/** Bundled in place of `node:https`, for the reason given in node-http.ts: `node:https` loads `node:http`. */
import { createRequire } from 'node:module';

const https: typeof import('node:https') = createRequire(import.meta.url)('node:https');

export default https;
export const { Agent, Server, createServer, get, globalAgent, request } = https;
