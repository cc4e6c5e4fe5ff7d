import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { iccidFor } from '../../../local/simulator/index.js';
import { checkNoServerErrors, checkWorkflow, PLAN, startVariantStack, type VariantStack } from './check.js';

describe('the whole workflow against the simulator variant test-mode', () => {
  let v: VariantStack;
  beforeAll(async () => {
    v = await startVariantStack('test-mode');
  });
  afterAll(() => v?.stack.stop());

  it(
    'activation then plan for every kind of SIM, a top-up, webhooks, every read route',
    () => checkWorkflow(v),
    120_000,
  );

  it('a plan refused on a TestMode SIM fails with SIM_IN_TEST_MODE and Transatel detail', async () => {
    await v.simAdmin('PATCH', '/config', { testModePlans: 'refuse' });
    const iccid = iccidFor('available', 0); // activated by checkWorkflow: in TestMode now
    expect(v.stack.simulator?.core.state.getSim(iccid)?.status).toBe('TestMode');
    const { body } = await v.api('POST', `/v1/sims/${iccid}/plans`, { planId: PLAN });
    const [order] = await v.settle([body.orderId as string]);
    expect(order?.failure?.code).toBe('SIM_IN_TEST_MODE');
    expect(order?.failure?.detail).toMatch(/PRODUCT_NOT_ELIGIBLE: .*TestMode/);
  });

  it('answers no 5xx', () => checkNoServerErrors(v));
});
