import { afterAll, beforeAll, describe, it } from 'vitest';
import { checkNoServerErrors, checkWorkflow, startVariantStack, type VariantStack } from './check.js';

describe('the whole workflow against the simulator variant documented', () => {
  let v: VariantStack;
  beforeAll(async () => {
    v = await startVariantStack('documented');
  });
  afterAll(() => v?.stack.stop());

  it(
    'activation then plan for every kind of SIM, a top-up, webhooks, every read route',
    () => checkWorkflow(v),
    120_000,
  );

  it('answers no 5xx', () => checkNoServerErrors(v));
});
