import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { iccidFor } from '#local/simulator/index.js';
import { type LocalStack, startLocalStack } from '#local/stack.js';
import { api, counters } from '#test/integration/workflow/stack-harness.js';

/** The jobs routes' contract on the local stack, with no poller: jobs are recorded, never run. */

let stack: LocalStack;

beforeAll(async () => {
  stack = await startLocalStack({
    port: 0,
    pollers: false,
    env: {},
    simulator: { simCounts: { active: 300 } },
  });
}, 60_000);
afterAll(() => stack?.stop());

const active = (index: number) => iccidFor('active', index);
const transatelCalls = () => Object.values(counters(stack).calls).reduce((sum, count) => sum + count, 0);

describe('the jobs routes', () => {
  it('refuses an unknown plan with a 400 naming it, without calling Transatel', async () => {
    const before = transatelCalls();
    const { status, body } = await api(stack, 'POST', '/v1/jobs', {
      action: 'plan',
      sims: [{ iccid: active(0) }, { iccid: active(1), planId: 'NOPE' }],
      params: { planId: 'IOTC_CAPPED_EU_1GB_1M' },
    });
    expect(status).toBe(400);
    expect(body.errors).toEqual([expect.objectContaining({ path: 'body.sims[1].planId' })]);
    expect(transatelCalls()).toBe(before);
  });

  it('answers the same job for a replayed Idempotency-Key, and 409 for another body under it', async () => {
    const body = { action: 'suspend', sims: [{ iccid: active(0) }] };
    const first = await api(stack, 'POST', '/v1/jobs', body, { 'idempotency-key': 'k-api' });
    expect(first.status).toBe(202);
    const again = await api(stack, 'POST', '/v1/jobs', body, { 'idempotency-key': 'k-api' });
    expect(again.body).toEqual(first.body);
    const other = await api(
      stack,
      'POST',
      '/v1/jobs',
      { ...body, action: 'terminate' },
      { 'idempotency-key': 'k-api' },
    );
    expect(other.status).toBe(409);
  });

  it('counts a filter job’s SIMs through SIM search', async () => {
    const search = await api(stack, 'GET', '/v1/sims?group=FLEET_A&pageSize=1');
    const { status, body } = await api(stack, 'POST', '/v1/jobs', {
      action: 'suspend',
      filter: { group: 'FLEET_A' },
    });
    expect(status).toBe(202);
    expect(body).toMatchObject({ status: 'RUNNING', total: search.body.total });
    expect(search.body.total).toBeGreaterThan(0);
  });

  it('pages the items with a cursor, filters them by status, and refuses a forged cursor', async () => {
    const sims = Array.from({ length: 250 }, (_, index) => ({ iccid: active(index) }));
    const created = await api(stack, 'POST', '/v1/jobs', { action: 'suspend', sims });
    const jobId = created.body.jobId as string;
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const query = new URLSearchParams({ status: 'PENDING', ...(cursor ? { cursor } : {}) });
      const page = await api(stack, 'GET', `/v1/jobs/${jobId}/items?${query}`);
      expect(page.status).toBe(200);
      seen.push(...(page.body.items as { iccid: string }[]).map((item) => item.iccid));
      cursor = page.body.cursor as string | undefined;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual(sims.map((sim) => sim.iccid).sort());
    expect((await api(stack, 'GET', `/v1/jobs/${jobId}/items?status=DONE`)).body).toEqual({ items: [] });
    const forged = await api(stack, 'GET', `/v1/jobs/${jobId}/items?cursor=abc`);
    expect(forged.status).toBe(400);
    expect(forged.body.errors).toEqual([expect.objectContaining({ path: 'query.cursor' })]);
  });

  it('shows and cancels a scheduled job; 404 for an unknown one, 400 for a malformed id', async () => {
    const scheduledFor = new Date(Date.now() + 3_600_000).toISOString();
    const created = await api(stack, 'POST', '/v1/jobs', {
      action: 'reactivate',
      sims: [{ iccid: active(0) }],
      scheduledFor,
    });
    expect(created.body).toMatchObject({ status: 'SCHEDULED', total: 1 });
    const jobId = created.body.jobId as string;
    const shown = await api(stack, 'GET', `/v1/jobs/${jobId}`);
    expect(shown.body).toEqual({
      jobId,
      action: 'reactivate',
      status: 'SCHEDULED',
      total: 1,
      done: 0,
      failed: 0,
      createdAt: expect.any(String),
      scheduledFor,
    });
    const cancelled = await api(stack, 'POST', `/v1/jobs/${jobId}/cancel`);
    expect(cancelled.body).toMatchObject({ status: 'CANCELLED', finishedAt: expect.any(String) });
    expect((await api(stack, 'POST', `/v1/jobs/${jobId}/cancel`)).status).toBe(200);
    expect((await api(stack, 'GET', '/v1/jobs/job_0000000000ZZZZZZZZZZZZZZZZ')).body).toMatchObject({
      status: 404,
      title: 'JOB_NOT_FOUND',
    });
    const malformed = await api(stack, 'GET', '/v1/jobs/nope');
    expect(malformed.status).toBe(400);
    expect(malformed.body.errors).toEqual([expect.objectContaining({ path: 'params.jobId' })]);
  });

  it('refuses a body over its limit with a 413', async () => {
    const { status } = await api(
      stack,
      'POST',
      '/v1/jobs',
      `{"action":"suspend","pad":"${'x'.repeat(4_300_000)}"}`,
    );
    expect(status).toBe(413);
  });
});
