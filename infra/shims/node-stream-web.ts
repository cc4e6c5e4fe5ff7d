/**
 * Bundled in place of `node:stream/web` (infra/bundling.ts). @middy/core 6.1+ imports `ReadableStream` from
 * it at the top of its module, for one `instanceof` check when a handler streams its response, which no
 * function here does; the real import makes Node load its web-streams internals at every cold start
 * (~2 ms). Node's global `ReadableStream` is the same class, loaded on first access, so the check keeps
 * its meaning and the load happens only if it ever runs.
 */
export const ReadableStream = {
  [Symbol.hasInstance]: (value: unknown): boolean => value instanceof globalThis.ReadableStream,
};
