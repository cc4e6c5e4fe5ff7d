import { afterAll, beforeAll, describe, it } from 'vitest';
import {
  checkNoServerErrors,
  checkReviewAndResolve,
  checkWorkflow,
  startVariantStack,
  type VariantStack,
} from './check.js';

describe('the whole workflow against the simulator variant sparse', () => {
  let v: VariantStack;
  beforeAll(async () => {
    v = await startVariantStack('sparse');
  });
  afterAll(() => v?.stack.stop());

  it(
    'activation then plan for every kind of SIM, a top-up, webhooks, every read route',
    () => checkWorkflow(v),
    120_000,
  );

  it('a plan answer lost, an inventory that cannot tell: NEEDS_REVIEW, resolved through simctl', () =>
    checkReviewAndResolve(v));

  it('answers no 5xx', () => checkNoServerErrors(v));
});
