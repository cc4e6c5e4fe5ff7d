import { contentKey, type Report, reportSchema } from '../reports/report.js';
import type { ReportStore } from './report-store.js';
import type { S3Objects } from './s3-objects.js';

/** `<reportId>/report.json` is the record; the content sits beside it (shared/reports/report.ts, contentKey). */
const recordKey = (reportId: string) => `${reportId}/report.json`;

/** Reports in the stage's bucket: the record and the content of each, under its id. */
export class S3ReportStore implements ReportStore {
  constructor(private readonly objects: S3Objects) {}

  async put(report: Report): Promise<void> {
    await this.objects.put(recordKey(report.reportId), JSON.stringify(report), {
      contentType: 'application/json',
    });
  }

  async get(reportId: string): Promise<Report | undefined> {
    const text = await this.objects.get(recordKey(reportId));
    return text === undefined ? undefined : reportSchema.parse(JSON.parse(text));
  }

  getContent(report: Report): Promise<string | undefined> {
    return this.objects.get(contentKey(report));
  }

  async putContent(report: Report, body: string, contentType: string): Promise<void> {
    await this.objects.put(contentKey(report), body, {
      contentType,
      contentDisposition: `attachment; filename="${report.definition.type}.${report.format}"`,
    });
  }

  downloadUrl(report: Report, expiresInSeconds: number): Promise<string> {
    return this.objects.presignGet(contentKey(report), expiresInSeconds);
  }
}
