import { randomUUID } from 'node:crypto';
import { reportParamsSchema, reportRequestSchema } from '#shared/api/requests/reports.js';
import { HttpError, httpHandler, json } from '#shared/lambda/http.js';
import { routeHandlers } from '#shared/lambda/http-router.js';
import { newReport } from '#shared/reports/report.js';
import { queueReport, reportStore } from '#shared/wiring/clients/reports.js';

/** How long a download URL works. */
const DOWNLOAD_URL_SECONDS = 15 * 60;

/** Records the report (QUEUED) and queues it: no Transatel call before the 202. */
const createReport = httpHandler({ body: reportRequestSchema }, async ({ body }) => {
  const report = newReport(`rpt_${randomUUID().replaceAll('-', '')}`, body, new Date());
  await reportStore().put(report);
  await queueReport({ reportId: report.reportId });
  return json(202, { reportId: report.reportId }, { location: `/v1/reports/${report.reportId}` });
});

/** Where the report stands; once DONE, a presigned URL of its content. */
const getReport = httpHandler({ params: reportParamsSchema }, async ({ params }) => {
  const store = reportStore();
  const report = await store.get(params.reportId);
  if (!report) {
    throw new HttpError(404, {
      title: 'REPORT_NOT_FOUND',
      detail: `Report ${params.reportId} does not exist`,
    });
  }
  if (report.status !== 'DONE') return json(200, report);
  const expiresAt = new Date(Date.now() + DOWNLOAD_URL_SECONDS * 1000);
  return json(200, {
    ...report,
    downloadUrl: await store.downloadUrl(report, DOWNLOAD_URL_SECONDS),
    downloadExpiresAt: expiresAt.toISOString(),
  });
});

/** Fleet reports: queued here, computed by the report worker, read back and downloaded. */
export const handler = routeHandlers({
  'POST /v1/reports': createReport,
  'GET /v1/reports/{reportId}': getReport,
});
