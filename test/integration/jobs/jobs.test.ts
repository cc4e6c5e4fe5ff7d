import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { iccidFor } from '#local/simulator/index.js';
import type { LocalStack } from '#local/stack.js';
import { counters, PLAN, unknownIccid, waitForOrders } from '#test/integration/workflow/stack-harness.js';
import { allItems, api, startJobsStack, waitForJob } from './jobs-harness.js';

/**
 * Issue 19's "done when", on the local stack against the simulator, with every jobs-queue message delivered
 * twice: a suspend job over 500 SIMs (one unknown SIM among them), a job scheduled 5 s ahead, a cancelled one.
 */

const SIMS = 500;
const active = (index: number) => iccidFor('active', index);

let stack: LocalStack;
let copies: () => number;

beforeAll(async () => {
  ({ stack, copies } = await startJobsStack(SIMS + 20));
}, 60_000);
afterAll(() => stack?.stop());

const lifecycleCount = (iccid: string, type: string) => counters(stack).lifecycleBySim[iccid]?.[type] ?? 0;

describe('bulk jobs on the local stack', () => {
  it('refuses a bad ICCID with a 400 naming it, before any Transatel call', async () => {
    const before = counters(stack).calls;
    const { status, body } = await api(stack, 'POST', '/v1/jobs', {
      action: 'suspend',
      sims: [{ iccid: active(0) }, { iccid: '89882470000000001' }],
    });
    expect(status).toBe(400);
    expect(body.errors).toEqual([expect.objectContaining({ path: 'body.sims[1].iccid' })]);
    expect(counters(stack).calls).toEqual(before);
  });

  it('suspends 500 SIMs once each, with every message delivered twice; an unknown SIM fails alone', async () => {
    const unknown = unknownIccid(1);
    const sims = [
      ...Array.from({ length: SIMS }, (_, index) => ({ iccid: active(index) })),
      { iccid: unknown },
    ];
    const created = await api(
      stack,
      'POST',
      '/v1/jobs',
      { action: 'suspend', sims },
      { 'idempotency-key': 'j500' },
    );
    expect(created.status).toBe(202);
    expect(created.body).toMatchObject({ status: 'RUNNING', total: SIMS + 1 });
    const jobId = created.body.jobId as string;

    const job = await waitForJob(stack, jobId, (view) => view.status === 'DONE');
    expect(job).toMatchObject({ action: 'suspend', total: SIMS + 1, done: SIMS, failed: 1 });
    expect(job.finishedAt).toBeDefined();
    for (let index = 0; index < SIMS; index += 1) expect(lifecycleCount(active(index), 'SUSPEND')).toBe(1);
    expect(copies()).toBeGreaterThanOrEqual(SIMS + 1);

    const failed = await allItems(stack, jobId, 'FAILED');
    expect(failed).toEqual([
      expect.objectContaining({
        iccid: unknown,
        title: 'SUBSCRIBER_NOT_FOUND',
        detail: 'Subscriber is unknown',
      }),
    ]);
    const items = await allItems(stack, jobId);
    expect(items).toHaveLength(SIMS + 1);
    expect(items.filter((item) => item.status === 'DONE')).toHaveLength(SIMS);

    // Each SIM's history has the job's action.
    const events = await api(stack, 'GET', `/v1/sims/${active(0)}/events?type=operator.action`);
    expect(events.body.events).toEqual([
      expect.objectContaining({
        summary: expect.stringContaining(`suspend by job ${jobId}`),
        route: 'POST /v1/jobs',
      }),
    ]);

    // The same key and body: the same job.
    const again = await api(
      stack,
      'POST',
      '/v1/jobs',
      { action: 'suspend', sims },
      { 'idempotency-key': 'j500' },
    );
    expect(again.body).toMatchObject({ jobId, status: 'DONE' });
  }, 180_000);

  it('starts a job scheduled 5 s ahead at its time', async () => {
    const scheduledFor = new Date(Date.now() + 5_000).toISOString();
    const sims = [0, 1, 2].map((index) => ({ iccid: active(index) }));
    const created = await api(stack, 'POST', '/v1/jobs', { action: 'reactivate', sims, scheduledFor });
    expect(created.status).toBe(202);
    expect(created.body).toMatchObject({ status: 'SCHEDULED', total: 3 });
    const jobId = created.body.jobId as string;
    expect(lifecycleCount(active(0), 'REACTIVATE')).toBe(0);

    const job = await waitForJob(stack, jobId, (view) => view.status === 'DONE', 60_000);
    expect(Date.parse(job.startedAt as string)).toBeGreaterThanOrEqual(Date.parse(scheduledFor));
    expect(job).toMatchObject({ done: 3, failed: 0 });
    for (const { iccid } of sims) expect(lifecycleCount(iccid, 'REACTIVATE')).toBe(1);
  }, 90_000);

  it('cancelling a running job stops its remaining items', async () => {
    // Slow SIM reads, so that the job is still running when it is cancelled.
    stack.simulator?.setFaults({ routes: { getSubscriber: { latencyMs: 150 } } });
    const sims = Array.from({ length: 200 }, (_, index) => ({ iccid: active(100 + index) }));
    const created = await api(stack, 'POST', '/v1/jobs', { action: 'reactivate', sims });
    const jobId = created.body.jobId as string;
    await waitForJob(stack, jobId, (view) => view.done >= 3);

    const cancelled = await api(stack, 'POST', `/v1/jobs/${jobId}/cancel`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ jobId, status: 'CANCELLED' });
    stack.simulator?.setFaults({});

    // Every item settles: those in flight finish, the others are left undone.
    const deadline = Date.now() + 60_000;
    let items = await allItems(stack, jobId);
    while (items.some((item) => item.status === 'PENDING' || item.status === 'RUNNING')) {
      if (Date.now() > deadline) throw new Error('items still unsettled');
      await new Promise((resolve) => setTimeout(resolve, 200));
      items = await allItems(stack, jobId);
    }
    const undone = items.filter((item) => item.status === 'CANCELLED');
    const done = items.filter((item) => item.status === 'DONE');
    expect(undone.length).toBeGreaterThan(0);
    expect(done.length + undone.length).toBe(sims.length);
    for (const item of undone) expect(lifecycleCount(item.iccid, 'REACTIVATE')).toBe(0);
    for (const item of done) expect(lifecycleCount(item.iccid, 'REACTIVATE')).toBe(1);
    const job = (await api(stack, 'GET', `/v1/jobs/${jobId}`)).body;
    expect(job).toMatchObject({ status: 'CANCELLED', done: done.length });

    // A cancelled job answers as it is; an unknown one is a 404.
    expect((await api(stack, 'POST', `/v1/jobs/${jobId}/cancel`)).status).toBe(200);
    expect((await api(stack, 'GET', '/v1/jobs/job_00000000000000000000000000')).status).toBe(404);
  }, 120_000);

  it('orders a plan job’s plans as ordinary plan orders: a SIM with an open order fails alone', async () => {
    const simulator = stack.simulator;
    if (!simulator) throw new Error('the stack runs the simulator');
    // A SIM held by its activation for a while: its order stays open.
    const busy = iccidFor('available', 0);
    simulator.core.config.activationDelayMs = 60_000;
    const activation = await api(stack, 'POST', `/v1/sims/${busy}/activation`, { planId: PLAN });
    expect(activation.status).toBe(202);
    const free = active(SIMS + 5);
    try {
      const created = await api(stack, 'POST', '/v1/jobs', {
        action: 'plan',
        sims: [{ iccid: busy }, { iccid: free }],
        params: { planId: PLAN },
      });
      const jobId = created.body.jobId as string;
      const job = await waitForJob(stack, jobId, (view) => view.status === 'DONE', 60_000);
      expect(job).toMatchObject({ done: 1, failed: 1 });
      const items = await allItems(stack, jobId);
      expect(items.find((item) => item.iccid === busy)).toMatchObject({
        status: 'FAILED',
        title: 'SIM_HAS_OPEN_ORDER',
        detail: expect.stringContaining(activation.body.orderId as string),
      });
      const ordered = items.find((item) => item.iccid === free) as { orderId?: string };
      const [order] = await waitForOrders(stack, [ordered.orderId as string]);
      expect(order).toMatchObject({ status: 'COMPLETED', iccid: free });
      expect(counters(stack).subscriptionsBySim[free]).toBe(1);
    } finally {
      simulator.core.config.activationDelayMs = 200;
    }
  }, 120_000);
});
