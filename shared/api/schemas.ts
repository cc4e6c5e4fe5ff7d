/**
 * The public API's contract: every request part and response body as a zod schema. Handlers validate
 * with them and the OpenAPI document is generated from them, so the two cannot disagree. Requests and
 * responses live apart (requests.ts, responses.ts) so that a function bundles only what it validates.
 */
export * from './requests.js';
export * from './responses.js';
