/**
 * Bundled in place of `node:stream/web` (infra/bundling.ts). @middy/core 6.1+ imports `ReadableStream` from
 * it for one `instanceof` check on streamed responses, which no function sends, and that import loads Node's
 * web-streams internals at every cold start (docs/design.md). Node's global `ReadableStream` is the same
 * class, loaded on first access, so the check keeps its meaning and the load happens only if it ever runs.
 */
export const ReadableStream = {
  [Symbol.hasInstance]: (value: unknown): boolean => value instanceof globalThis.ReadableStream,
};
