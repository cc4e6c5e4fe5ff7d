import { CreateBucketCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS, LOCAL_REGION, type LocalAwsClients, localAwsClients } from '#local/aws.js';
import { type Emulators, startEmulators } from '#local/emulators.js';
import { newReport } from '#shared/reports/report.js';
import { S3Objects } from '#shared/store/s3-objects.js';
import { S3ReportStore } from '#shared/store/s3-report-store.js';
import { awsClientConfig, S3_REQUEST_TIMEOUT_MS } from '#shared/wiring/aws.js';

/**
 * The reports' objects (shared/store/s3-objects.ts) through an S3 client built as the functions build theirs,
 * against fauxqs' S3 over real HTTP, path-style as the local runtime uses it; the runtime's own S3 client creates
 * the bucket and reads back what was written.
 */

const BUCKET = 'test-reports';

describe('S3ReportStore over the SDK S3 client, against fauxqs', () => {
  let emulators: Emulators;
  let clients: LocalAwsClients;
  let client: S3Client;
  const objects = (bucket = BUCKET) => new S3Objects({ client, bucket });

  beforeAll(async () => {
    emulators = await startEmulators();
    clients = localAwsClients(emulators.endpoints);
    client = new S3Client({
      ...awsClientConfig({ requestTimeoutMs: S3_REQUEST_TIMEOUT_MS }),
      region: LOCAL_REGION,
      credentials: { ...LOCAL_CREDENTIALS, sessionToken: 'local-session' },
      endpoint: emulators.endpoints.sqs,
      forcePathStyle: true,
    });
    await clients.s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  });
  afterAll(async () => {
    client?.destroy();
    clients?.destroy();
    await emulators?.stop();
  });

  it('writes and reads back a report record and its content', async () => {
    const store = new S3ReportStore(objects());
    const report = newReport(
      'rpt_0123abcd',
      { type: 'plans-expiring', days: 7 },
      new Date('2026-12-06T10:00:00Z'),
    );
    await store.put(report);
    expect(await store.get(report.reportId)).toEqual(report);

    const done = { ...report, status: 'DONE' as const, rows: 1, bytes: 20 };
    await store.put(done);
    expect(await store.get(report.reportId)).toEqual(done);

    const csv = 'iccid,planId\r\n89330000000000000011,PLAN_É\r\n';
    await store.putContent(done, csv, 'text/csv');
    expect(await store.getContent(done)).toBe(csv);
    const head = await clients.s3.send(
      new HeadObjectCommand({ Bucket: BUCKET, Key: `${report.reportId}/plans-expiring.csv` }),
    );
    expect(head.ContentType).toBe('text/csv');
    expect(head.ContentLength).toBe(Buffer.byteLength(csv));

    const url = await store.downloadUrl(done, 60);
    const download = await fetch(url);
    expect(download.status).toBe(200);
    expect(await download.text()).toBe(csv);
  });

  it('answers undefined for a report that does not exist, and surfaces a missing bucket', async () => {
    const store = new S3ReportStore(objects());
    expect(await store.get('rpt_missing')).toBeUndefined();
    const missing = newReport('rpt_missing', { type: 'data-low', percent: 10 }, new Date());
    expect(await store.getContent(missing)).toBeUndefined();

    const error = await objects('no-such-bucket')
      .get('rpt_x/report.json')
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'NoSuchBucket', $metadata: { httpStatusCode: 404 } });
  });

  it('refuses a record that does not match the report schema', async () => {
    await objects().put('rpt_bad/report.json', JSON.stringify({ reportId: 'rpt_bad' }), {
      contentType: 'application/json',
    });
    await expect(new S3ReportStore(objects()).get('rpt_bad')).rejects.toThrow();
  });
});
