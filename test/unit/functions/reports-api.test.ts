import { beforeEach, describe, expect, it, vi } from 'vitest';
import { newReport, type Report } from '#shared/reports/report.js';
import { MemoryReportStore } from '#shared/store/report-store.js';
import { httpEvent, lambdaContext } from '#test/unit/runtime/lambda-fixtures.js';

// The whole path (queue, worker, bucket) runs in test/integration/simctl/report.test.ts; here the answers of
// GET /v1/reports/{reportId} that the small fleet there never reaches.

const store = new MemoryReportStore();
const queued: unknown[] = [];
vi.mock('#shared/wiring/clients/reports.js', () => ({
  reportStore: () => store,
  queueReport: async (message: unknown) => void queued.push(message),
}));

const { handler } = await import('#functions/reports-api/handler.js');

const REPORT_ID = 'rpt_0123456789abcdef0123456789abcdef';

async function get(query?: Record<string, string>) {
  const response = await handler(
    httpEvent({
      method: 'GET',
      path: `/v1/reports/${REPORT_ID}`,
      routeKey: 'GET /v1/reports/{reportId}',
      pathParameters: { reportId: REPORT_ID },
      ...(query ? { query } : {}),
    }),
    lambdaContext(),
  );
  return { ...response, json: () => JSON.parse(response.body ?? '{}') as Record<string, unknown> };
}

async function stored(changes: Partial<Report>, body?: string): Promise<Report> {
  const report = { ...newReport(REPORT_ID, { type: 'plans-expiring', days: 7 }, new Date()), ...changes };
  await store.put(report);
  if (body !== undefined) await store.putContent(report, body, 'text/csv; charset=utf-8');
  return report;
}

beforeEach(() => {
  store.records.clear();
  store.contents.clear();
  queued.length = 0;
});

describe('reports-api', () => {
  it('queues a report and answers 202 { reportId }, and refuses a bad one naming the field', async () => {
    const accepted = await handler(
      httpEvent({
        method: 'POST',
        path: '/v1/reports',
        routeKey: 'POST /v1/reports',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'data-low', percent: 10 }),
      }),
      lambdaContext(),
    );
    expect(accepted.statusCode).toBe(202);
    const { reportId } = JSON.parse(accepted.body ?? '{}') as { reportId: string };
    expect(Object.keys(JSON.parse(accepted.body ?? '{}'))).toEqual(['reportId']);
    expect(queued).toEqual([{ reportId }]);
    expect(store.records.get(reportId)).toMatchObject({ status: 'QUEUED', format: 'csv' });

    const refused = await handler(
      httpEvent({
        method: 'POST',
        path: '/v1/reports',
        routeKey: 'POST /v1/reports',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'data-low', percent: 101 }),
      }),
      lambdaContext(),
    );
    expect(refused.statusCode).toBe(400);
    expect(JSON.parse(refused.body ?? '{}').errors).toEqual([
      expect.objectContaining({ path: 'body.percent' }),
    ]);
    expect(queued).toHaveLength(1);
  });

  it('answers the status alone before DONE, and 409 REPORT_NOT_READY for its content', async () => {
    await stored({ status: 'RUNNING' });
    const status = await get();
    expect(status.statusCode).toBe(200);
    expect(status.json()).toMatchObject({ reportId: REPORT_ID, status: 'RUNNING' });
    expect(status.json()).not.toHaveProperty('downloadUrl');
    const content = await get({ content: 'inline' });
    expect(content.statusCode).toBe(409);
    expect(content.json()).toMatchObject({ title: 'REPORT_NOT_READY' });
  });

  it('once DONE: a download URL; inline, a small report itself and a large one as a 303 to its URL', async () => {
    await stored({ status: 'DONE', bytes: 8 }, 'iccid\r\n');
    const status = await get();
    expect(status.json()).toMatchObject({ status: 'DONE', downloadUrl: expect.stringContaining(REPORT_ID) });
    const small = await get({ content: 'inline' });
    expect(small).toMatchObject({
      statusCode: 200,
      body: 'iccid\r\n',
      headers: { 'content-type': 'text/csv; charset=utf-8' },
    });

    await stored({ status: 'DONE', bytes: 2 * 1024 * 1024 }, 'big');
    const large = await get({ content: 'inline' });
    expect(large.statusCode).toBe(303);
    expect(large.headers?.location).toContain(`${REPORT_ID}/plans-expiring.csv`);
  });

  it('answers 404 REPORT_NOT_FOUND for an unknown report', async () => {
    const missing = await get();
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ title: 'REPORT_NOT_FOUND' });
  });
});
