import { describe, it } from 'vitest';
import { checkEventsAndAwsFaults, checkReliability, RUN_TIMEOUT_MS } from './check.js';

/**
 * Simulator variant documented, and AWS faults on the functions' DynamoDB, SQS, SNS and S3 calls (local/aws-faults.ts):
 * throttling, 5xx and connections reset after the call was processed, so that a conditional write fails its
 * condition on the retry and a message or notification is sent twice. Seeded: each kind meets each service.
 */
describe('reliability under Transatel and AWS faults (CI size)', () => {
  it(
    '120 orders: none lost, none stuck, no plan subscribed twice, every event processed once',
    async () => {
      const report = await checkReliability('documented', 120, { awsFaults: true });
      checkEventsAndAwsFaults(report);
    },
    RUN_TIMEOUT_MS,
  );
});
