import type { QueueName, TableName } from './env-names.js';

/** What each function is and may touch (the types of functions.ts, which lists them). */

export type FunctionName =
  | 'activation-api'
  | 'activation-worker'
  | 'plan-api'
  | 'plan-worker'
  | 'balance-api'
  | 'orders-api'
  | 'review-api'
  | 'policies-api'
  | 'catalog-api'
  | 'sims-api'
  | 'esim-api'
  | 'usage-api'
  | 'history-api'
  | 'webhook-intake'
  | 'events-worker'
  | 'catalog-sync'
  | 'policy-worker'
  | 'policy-sweep'
  | 'jobs-api'
  | 'job-worker'
  | 'reports-api'
  | 'report-worker';

/**
 * How a function may use a table: `append` writes items only (PutItem and BatchWriteItem: no read, no update),
 * for the SIMs' history, which its writers add to and never read. The code writes new items only (conditional
 * puts, or batches of entries whose keys are new); IAM cannot hold a batch to puts, and PutItem alone could
 * already overwrite an item, so the grant keeps reads and updates out, not a writer gone rogue.
 */
export type TableAccess = 'read' | 'readWrite' | 'append';

/** What a function may touch; infra turns this into least-privilege grants. */
export interface FunctionAccess {
  tables?: { name: TableName; access: TableAccess }[];
  sendsTo?: QueueName[];
  publishesEvents?: boolean;
  /** Reads the Transatel credentials secret (client id/secret, webhook secrets). */
  readsSecret?: boolean;
  /**
   * A queue consumer that calls Transatel only now and then: not paced within the workflow workers' share of
   * the rate limit, as the APIs are not.
   */
  occasionalTransatelCalls?: boolean;
  /** Creates and deletes the one-time schedules that start scheduled jobs (EventBridge Scheduler). */
  schedulesJobs?: boolean;
  /** The stage's reports bucket: `read` (records and download URLs) or `readWrite` (the report worker). */
  reportsBucket?: 'read' | 'readWrite';
}

export interface FunctionSpec extends FunctionAccess {
  /** Path of the handler module, relative to the project root; it exports `handler`. */
  entry: string;
  description: string;
  timeoutSeconds: number;
  memoryMb: number;
  /** Invoked every this many minutes (an EventBridge rule; locally at start, then on the same period). */
  scheduleMinutes?: number;
}
