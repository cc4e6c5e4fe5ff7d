import { GetObjectCommand, NoSuchKey, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';

/**
 * The objects of one bucket, as the reports use them: put, get (undefined when the key does not exist) and a
 * presigned GET URL, over the SDK's S3 client. A missing key is S3's 404 NoSuchKey only for a reader allowed to
 * list the bucket (infra grants it); without that S3 answers 403, which stays an error.
 */
export class S3Objects {
  constructor(private readonly options: { client: S3Client; bucket: string }) {}

  /** PutObject: the whole body, with its content type (and disposition, for downloads). */
  async put(
    key: string,
    body: string,
    headers: { contentType: string; contentDisposition?: string },
  ): Promise<void> {
    await this.options.client.send(
      new PutObjectCommand({
        Bucket: this.options.bucket,
        Key: key,
        Body: body,
        ContentType: headers.contentType,
        ...(headers.contentDisposition ? { ContentDisposition: headers.contentDisposition } : {}),
      }),
    );
  }

  /** GetObject as UTF-8 text; undefined when the key does not exist (a missing bucket is an error). */
  async get(key: string): Promise<string | undefined> {
    try {
      const { Body } = await this.options.client.send(
        new GetObjectCommand({ Bucket: this.options.bucket, Key: key }),
      );
      return (await Body?.transformToString('utf8')) ?? '';
    } catch (error) {
      if (error instanceof NoSuchKey) return undefined;
      throw error;
    }
  }

  presignGet(key: string, expiresInSeconds: number): Promise<string> {
    return getSignedUrl(
      this.options.client,
      new GetObjectCommand({ Bucket: this.options.bucket, Key: key }),
      { expiresIn: expiresInSeconds },
    );
  }
}
