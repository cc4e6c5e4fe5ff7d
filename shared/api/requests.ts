/**
 * What the public API accepts: path, query, header and body schemas, one module per group of routes
 * (requests/). An API function imports the modules of its own routes only, and none of the response schemas
 * (responses.ts, for the OpenAPI document and the tests), so its cold start builds the schemas it validates
 * with and no others.
 */
export * from './requests/fields.js';
export * from './requests/history.js';
export * from './requests/iccid.js';
export * from './requests/jobs.js';
export * from './requests/ordering.js';
export * from './requests/orders.js';
export * from './requests/plans.js';
export * from './requests/policies.js';
export * from './requests/reports.js';
export * from './requests/sims.js';
export * from './requests/usage.js';
