import type { FunctionName, FunctionSpec } from './function-spec.js';

export type { FunctionAccess, FunctionName, FunctionSpec, TableAccess } from './function-spec.js';

export const functions: Record<FunctionName, FunctionSpec> = {
  'activation-api': {
    entry: 'functions/activation-api/handler.ts',
    description: 'Validates activation orders (single and bulk), records them and queues them',
    timeoutSeconds: 15,
    memoryMb: 512,
    tables: [
      { name: 'orders', access: 'readWrite' },
      { name: 'idempotency', access: 'readWrite' },
      { name: 'catalog', access: 'read' },
      // Every call is an operator action in the SIMs' history.
      { name: 'history', access: 'append' },
    ],
    // Refuses unknown plan ids up front, against catalog-sync's copy of the catalogue (no Transatel call).
    sendsTo: ['activation'],
  },
  'activation-worker': {
    entry: 'functions/activation-worker/handler.ts',
    description:
      'Activates SIMs at Transatel, or routes pre-activated and active SIMs straight to their plan',
    timeoutSeconds: 30,
    memoryMb: 512,
    tables: [{ name: 'orders', access: 'readWrite' }],
    sendsTo: ['plan'],
    readsSecret: true,
  },
  'plan-api': {
    entry: 'functions/plan-api/handler.ts',
    description: 'Records plan (top-up) orders for activated or pre-activated SIMs and queues them',
    timeoutSeconds: 10,
    memoryMb: 512,
    tables: [
      { name: 'orders', access: 'readWrite' },
      { name: 'idempotency', access: 'readWrite' },
      { name: 'catalog', access: 'read' },
      { name: 'history', access: 'append' },
    ],
    // Refuses unknown plan ids up front, against catalog-sync's copy of the catalogue (no Transatel call).
    sendsTo: ['plan'],
  },
  'plan-worker': {
    entry: 'functions/plan-worker/handler.ts',
    description: 'Waits for activation (polling with backoff) and subscribes the plan at most once per order',
    timeoutSeconds: 30,
    memoryMb: 512,
    tables: [{ name: 'orders', access: 'readWrite' }],
    sendsTo: ['plan'],
    // Announces an order held for review (order.needs_review): its plan may have been bought.
    publishesEvents: true,
    readsSecret: true,
  },
  'balance-api': {
    entry: 'functions/balance-api/handler.ts',
    description: "A SIM's plans with their data balances (OCS Inventory)",
    timeoutSeconds: 10,
    memoryMb: 512,
    readsSecret: true,
  },
  'orders-api': {
    entry: 'functions/orders-api/handler.ts',
    description: 'Order state, timeline, Transatel ids and failure reason',
    timeoutSeconds: 10,
    memoryMb: 256,
    tables: [{ name: 'orders', access: 'read' }],
  },
  // Apart from orders-api, so that reading orders stays read-only: only this route writes them.
  'review-api': {
    entry: 'functions/review-api/handler.ts',
    description: 'Resolves orders held for review (NEEDS_REVIEW), audited with the caller',
    timeoutSeconds: 10,
    memoryMb: 256,
    tables: [
      { name: 'orders', access: 'readWrite' },
      { name: 'history', access: 'append' },
    ],
    // A review resolved with "retry" queues the plan order again.
    sendsTo: ['plan'],
  },
  // Stores and serves the policies only: the policy engine, which acts on them, is a function of its own.
  'policies-api': {
    entry: 'functions/policies-api/handler.ts',
    description: 'Creates, replaces, lists and deletes the top-up policies the policy engine acts on',
    timeoutSeconds: 10,
    memoryMb: 256,
    // Refuses unknown plan ids as the ordering APIs do, against catalog-sync's copy (no Transatel call, no
    // secret); it queues nothing.
    tables: [
      { name: 'policies', access: 'readWrite' },
      { name: 'catalog', access: 'read' },
    ],
  },
  'catalog-api': {
    entry: 'functions/catalog-api/handler.ts',
    description: 'Capped plans of the COS, filterable by ISO-2 country (OCS Catalog)',
    timeoutSeconds: 10,
    memoryMb: 512,
    readsSecret: true,
  },
  'sims-api': {
    entry: 'functions/sims-api/handler.ts',
    description: 'SIM search, one SIM, option/reference/group changes, suspend, reactivate, terminate',
    timeoutSeconds: 15,
    memoryMb: 512,
    // Changes and lifecycle calls are operator actions in the SIM's history.
    tables: [{ name: 'history', access: 'append' }],
    readsSecret: true,
  },
  'esim-api': {
    entry: 'functions/esim-api/handler.ts',
    description: 'eSIM status, activation code, LPA string and QR code',
    timeoutSeconds: 10,
    memoryMb: 512,
    readsSecret: true,
  },
  'usage-api': {
    entry: 'functions/usage-api/handler.ts',
    description: 'Data usage over a period, by country (Network Usage)',
    timeoutSeconds: 20,
    memoryMb: 512,
    readsSecret: true,
  },
  'history-api': {
    entry: 'functions/history-api/handler.ts',
    description:
      "A SIM's history: Transatel events, order steps, policy decisions and operator actions, newest first",
    timeoutSeconds: 10,
    memoryMb: 256,
    // The history table's entries, merged with the steps of the SIM's orders (read from the orders).
    tables: [
      { name: 'history', access: 'read' },
      { name: 'orders', access: 'read' },
    ],
  },
  'webhook-intake': {
    entry: 'functions/webhook-intake/handler.ts',
    description: "Verifies Transatel's webhook signature and queues the raw event",
    timeoutSeconds: 10,
    memoryMb: 256,
    sendsTo: ['events'],
    readsSecret: true,
  },
  'events-worker': {
    entry: 'functions/events-worker/handler.ts',
    description: 'Deduplicates Transatel events, advances orders and publishes normalized events',
    timeoutSeconds: 20,
    memoryMb: 512,
    tables: [
      { name: 'orders', access: 'readWrite' },
      { name: 'idempotency', access: 'readWrite' },
      // One history entry per event that names a SIM.
      { name: 'history', access: 'append' },
    ],
    sendsTo: ['plan'],
    publishesEvents: true,
  },
  'catalog-sync': {
    entry: 'functions/catalog-sync/handler.ts',
    description:
      'Copies the plan ids of the catalogue (OCS Catalog) for the ordering APIs to check orders against',
    timeoutSeconds: 30,
    memoryMb: 256,
    tables: [{ name: 'catalog', access: 'readWrite' }],
    readsSecret: true,
    scheduleMinutes: 5,
  },
  'policy-worker': {
    entry: 'functions/policy-worker/handler.ts',
    description: 'Fires the top-up policies a trigger concerns and orders their plans, within their limits',
    timeoutSeconds: 20,
    memoryMb: 512,
    tables: [
      { name: 'orders', access: 'readWrite' },
      // Idempotency-Keys of the top-up orders, and the claims of trigger occurrences.
      { name: 'idempotency', access: 'readWrite' },
      // The policies, and their limits beside them.
      { name: 'policies', access: 'readWrite' },
      { name: 'history', access: 'append' },
    ],
    // A top-up is a plan order: its first step goes to the plan worker.
    sendsTo: ['plan'],
    publishesEvents: true,
    // Reads a SIM's group (a group scope) and a plan's price (a budget, cached) at Transatel.
    readsSecret: true,
    occasionalTransatelCalls: true,
  },
  'policy-sweep': {
    entry: 'functions/policy-sweep/handler.ts',
    description: 'Reads the balances under threshold and expiring policies and fires what has crossed, once',
    timeoutSeconds: 300,
    memoryMb: 512,
    // The sweep's marks, beside the policies.
    tables: [{ name: 'policies', access: 'readWrite' }],
    publishesEvents: true,
    readsSecret: true,
    scheduleMinutes: 15,
  },
  // Records jobs and answers about them; the job worker acts on them.
  'jobs-api': {
    entry: 'functions/jobs-api/handler.ts',
    description: 'Creates, shows and cancels bulk jobs (lifecycle actions over many SIMs), scheduled or not',
    timeoutSeconds: 30,
    memoryMb: 512,
    tables: [
      { name: 'jobs', access: 'readWrite' },
      { name: 'idempotency', access: 'readWrite' },
      // Refuses unknown plan ids up front, as the ordering APIs do (no Transatel call).
      { name: 'catalog', access: 'read' },
    ],
    sendsTo: ['jobs'],
    schedulesJobs: true,
    // Counts the SIMs a filter job matches when it is asked for (one SIM Search call).
    readsSecret: true,
  },
  'job-worker': {
    entry: 'functions/job-worker/handler.ts',
    description: "Runs jobs: reads a filter job's SIMs, queues the items, acts on each SIM exactly once",
    timeoutSeconds: 30,
    memoryMb: 512,
    tables: [
      { name: 'jobs', access: 'readWrite' },
      // A plan item is an ordinary plan order (its Idempotency-Key is the job's and the SIM's).
      { name: 'orders', access: 'readWrite' },
      { name: 'idempotency', access: 'readWrite' },
      // Each SIM acted on gets an operator action in its history, the job's creator as actor.
      { name: 'history', access: 'append' },
    ],
    sendsTo: ['jobs', 'plan'],
    readsSecret: true,
  },
  // Records the report and queues it; reads its record back and presigns its download. No Transatel call.
  'reports-api': {
    entry: 'functions/reports-api/handler.ts',
    description: 'Queues fleet reports, and says where each stands and where to download it',
    timeoutSeconds: 10,
    memoryMb: 256,
    sendsTo: ['report'],
    reportsBucket: 'readWrite',
  },
  'report-worker': {
    entry: 'functions/report-worker/handler.ts',
    description: "Computes fleet reports from Transatel's inventory, paced, and writes them to the bucket",
    timeoutSeconds: 900,
    memoryMb: 1024,
    reportsBucket: 'readWrite',
    // The spend report: the plans bought, per SIM (the orders' ICCID index), and who ordered them (history).
    tables: [
      { name: 'orders', access: 'read' },
      { name: 'history', access: 'read' },
    ],
    readsSecret: true,
    // Paced to the reports' own share of the rate limit (REPORT_MAX_RPS), not the workflow workers'.
    occasionalTransatelCalls: true,
  },
};
