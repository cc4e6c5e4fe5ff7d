import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { contentKey, type Report, reportSchema } from '../reports/report.js';
import type { ReportStore } from './report-store.js';
import { presignGetUrl } from './s3-presign.js';

export interface S3ReportStoreOptions {
  client: S3Client;
  bucket: string;
  /** The S3-compatible endpoint the client was given (locally the emulator), for the download URLs. */
  endpoint?: string;
}

/** `<reportId>/report.json` is the record; the content sits beside it (shared/reports/report.ts, contentKey). */
const recordKey = (reportId: string) => `${reportId}/report.json`;

/** Reports in the stage's bucket: the record and the content of each, under its id. */
export class S3ReportStore implements ReportStore {
  constructor(private readonly options: S3ReportStoreOptions) {}

  async put(report: Report): Promise<void> {
    await this.options.client.send(
      new PutObjectCommand({
        Bucket: this.options.bucket,
        Key: recordKey(report.reportId),
        Body: JSON.stringify(report),
        ContentType: 'application/json',
      }),
    );
  }

  async get(reportId: string): Promise<Report | undefined> {
    const text = await this.#read(recordKey(reportId));
    return text === undefined ? undefined : reportSchema.parse(JSON.parse(text));
  }

  getContent(report: Report): Promise<string | undefined> {
    return this.#read(contentKey(report));
  }

  async #read(key: string): Promise<string | undefined> {
    try {
      const answer = await this.options.client.send(
        new GetObjectCommand({ Bucket: this.options.bucket, Key: key }),
      );
      return (await answer.Body?.transformToString('utf8')) ?? '';
    } catch (error) {
      if (error instanceof Error && (error.name === 'NoSuchKey' || error.name === 'NotFound'))
        return undefined;
      throw error;
    }
  }

  async putContent(report: Report, body: string, contentType: string): Promise<void> {
    await this.options.client.send(
      new PutObjectCommand({
        Bucket: this.options.bucket,
        Key: contentKey(report),
        Body: body,
        ContentType: contentType,
        ContentDisposition: `attachment; filename="${report.definition.type}.${report.format}"`,
      }),
    );
  }

  async downloadUrl(report: Report, expiresInSeconds: number): Promise<string> {
    const { client } = this.options;
    return presignGetUrl({
      bucket: this.options.bucket,
      key: contentKey(report),
      region: await client.config.region(),
      credentials: client.config.credentials,
      ...(this.options.endpoint ? { endpoint: this.options.endpoint } : {}),
      expiresInSeconds,
    });
  }
}
