import { contentKey, type Report } from '../reports/report.js';

/**
 * Where reports live: each report's record (its status) and its content, side by side in the stage's reports
 * bucket (shared/store/s3-report-store.ts), so that the bucket's lifecycle rule expires both together. This
 * in-memory twin serves the unit tests.
 */
export interface ReportStore {
  /** Writes the record (a new report, or its next status). */
  put(report: Report): Promise<void>;
  get(reportId: string): Promise<Report | undefined>;
  putContent(report: Report, body: string, contentType: string): Promise<void>;
  /** The content of a DONE report, as written. */
  getContent(report: Report): Promise<string | undefined>;
  /** A URL that downloads the content without credentials, for `expiresInSeconds`. */
  downloadUrl(report: Report, expiresInSeconds: number): Promise<string>;
}

export class MemoryReportStore implements ReportStore {
  readonly records = new Map<string, Report>();
  readonly contents = new Map<string, { body: string; contentType: string }>();

  async put(report: Report): Promise<void> {
    this.records.set(report.reportId, structuredClone(report));
  }

  async get(reportId: string): Promise<Report | undefined> {
    const report = this.records.get(reportId);
    return report && structuredClone(report);
  }

  async putContent(report: Report, body: string, contentType: string): Promise<void> {
    this.contents.set(contentKey(report), { body, contentType });
  }

  async getContent(report: Report): Promise<string | undefined> {
    return this.contents.get(contentKey(report))?.body;
  }

  async downloadUrl(report: Report, expiresInSeconds: number): Promise<string> {
    return `memory://reports/${contentKey(report)}?expires=${expiresInSeconds}`;
  }
}
