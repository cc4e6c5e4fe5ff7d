import type { SignatureV4 } from '@smithy/signature-v4';
import {
  type AwsCallOptions,
  type AwsCredentials,
  AwsRequestError,
  signedCall,
  sigV4Signer,
} from '../aws-request.js';
import { presignGetUrl, s3ObjectUrl } from './s3-presign.js';

/**
 * The four S3 calls the reports need (PutObject and GetObject, of a record and a content), as SigV4-signed HTTP
 * requests (shared/aws-request.ts), without @aws-sdk/client-s3: that client was ~100 KB of the report
 * functions' bundles and most of their cold init beyond the others' (docs/design.md, Fleet reports).
 */

export interface S3ObjectsOptions extends AwsCallOptions {
  bucket: string;
  region: string;
  /** Credentials or their provider: the function's own, from its environment. */
  credentials: AwsCredentials;
  /** An S3-compatible endpoint, path-style (the local emulator); default AWS's virtual-hosted URLs. */
  endpoint?: string | undefined;
}

/** Objects of one bucket: put, get (undefined when there is none), and a presigned GET URL. */
export class S3Objects {
  readonly #options: S3ObjectsOptions;
  readonly #signer: SignatureV4;

  constructor(options: S3ObjectsOptions) {
    this.#options = options;
    // S3 signs the path as sent (encoded once, not twice) and wants the payload's hash in x-amz-content-sha256.
    this.#signer = sigV4Signer('s3', options.region, options.credentials, {
      uriEscapePath: false,
      applyChecksum: true,
    });
  }

  /** PutObject: the whole body, with its content type (and disposition, for downloads). */
  async put(
    key: string,
    body: string,
    headers: { contentType: string; contentDisposition?: string },
  ): Promise<void> {
    const contentHeaders: Record<string, string> = { 'content-type': headers.contentType };
    if (headers.contentDisposition) contentHeaders['content-disposition'] = headers.contentDisposition;
    await signedCall(
      this.#signer,
      { method: 'PUT', url: this.#url(key), headers: contentHeaders, body },
      `S3 PUT ${key}`,
      this.#options,
    );
  }

  /** GetObject as UTF-8 text; undefined when the key does not exist (a missing bucket is an error). */
  async get(key: string): Promise<string | undefined> {
    try {
      return await signedCall(
        this.#signer,
        { method: 'GET', url: this.#url(key), headers: {} },
        `S3 GET ${key}`,
        this.#options,
      );
    } catch (error) {
      if (error instanceof AwsRequestError && error.status === 404 && error.code !== 'NoSuchBucket')
        return undefined;
      throw error;
    }
  }

  presignGet(key: string, expiresInSeconds: number): Promise<string> {
    const { bucket, region, credentials, endpoint } = this.#options;
    return presignGetUrl({
      bucket,
      key,
      region,
      credentials,
      expiresInSeconds,
      ...(endpoint ? { endpoint } : {}),
    });
  }

  #url(key: string): URL {
    return s3ObjectUrl(this.#options, key);
  }
}
