import { randomUUID } from 'node:crypto';
import {
  MAX_INLINE_REPORT_BYTES,
  reportParamsSchema,
  reportQuerySchema,
  reportRequestSchema,
} from '#shared/api/requests/reports.js';
import { HttpError, httpHandler, json } from '#shared/lambda/http.js';
import { routeHandlers } from '#shared/lambda/http-router.js';
import { CONTENT_TYPES, newReport } from '#shared/reports/report.js';
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

/**
 * Where the report stands; once DONE, a presigned URL of its content. With `?content=inline`, a small report's
 * content itself, streamed from the bucket in the answer; a large one's URL as a 303.
 */
const getReport = httpHandler(
  { params: reportParamsSchema, query: reportQuerySchema },
  async ({ params, query }) => {
    const store = reportStore();
    const report = await store.get(params.reportId);
    if (!report) {
      throw new HttpError(404, {
        title: 'REPORT_NOT_FOUND',
        detail: `Report ${params.reportId} does not exist`,
      });
    }
    if (query.content === 'inline') {
      if (report.status !== 'DONE') {
        throw new HttpError(409, {
          title: 'REPORT_NOT_READY',
          detail: `Report ${report.reportId} is ${report.status}: its content comes once it is DONE`,
        });
      }
      if ((report.bytes ?? 0) > MAX_INLINE_REPORT_BYTES) {
        return {
          statusCode: 303,
          headers: { location: await store.downloadUrl(report, DOWNLOAD_URL_SECONDS) },
        };
      }
      const content = await store.getContent(report);
      if (content === undefined) throw new Error(`Report ${report.reportId} is DONE but has no content`);
      return { statusCode: 200, headers: { 'content-type': CONTENT_TYPES[report.format] }, body: content };
    }
    if (report.status !== 'DONE') return json(200, report);
    const expiresAt = new Date(Date.now() + DOWNLOAD_URL_SECONDS * 1000);
    return json(200, {
      ...report,
      downloadUrl: await store.downloadUrl(report, DOWNLOAD_URL_SECONDS),
      downloadExpiresAt: expiresAt.toISOString(),
    });
  },
);

/** Fleet reports: queued here, computed by the report worker, read back and downloaded. */
export const handler = routeHandlers({
  'POST /v1/reports': createReport,
  'GET /v1/reports/{reportId}': getReport,
});
