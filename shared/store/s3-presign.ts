import { type AwsCredentials, sigV4Signer } from '../aws-request.js';

/**
 * A presigned GET URL of an S3 object (SigV4 in the query string, `UNSIGNED-PAYLOAD`), as
 * @aws-sdk/s3-request-presigner makes them, with @smithy/signature-v4 (no S3 client: s3-objects.ts).
 */

export interface PresignInput {
  bucket: string;
  key: string;
  region: string;
  /** Credentials or their provider (the function's own, from its environment). */
  credentials: AwsCredentials;
  /** An S3-compatible endpoint (path-style URLs, the local emulator); default AWS's virtual-hosted URLs. */
  endpoint?: string;
  expiresInSeconds: number;
  now?: Date;
}

/** Where an object is: path-style on an S3-compatible endpoint (the local emulator), AWS's virtual-hosted URL otherwise. */
export function s3ObjectUrl(
  location: { bucket: string; region: string; endpoint?: string | undefined },
  key: string,
): URL {
  const base = location.endpoint
    ? new URL(`${location.endpoint.replace(/\/+$/, '')}/${location.bucket}/`)
    : new URL(`https://${location.bucket}.s3.${location.region}.amazonaws.com/`);
  return new URL(`${base.pathname}${key.split('/').map(encodeURIComponent).join('/')}`, base);
}

export async function presignGetUrl(input: PresignInput): Promise<string> {
  const object = s3ObjectUrl(input, input.key);
  const signer = sigV4Signer('s3', input.region, input.credentials, {
    uriEscapePath: false,
    applyChecksum: false,
  });
  const signed = await signer.presign(
    {
      method: 'GET',
      protocol: object.protocol,
      hostname: object.hostname,
      ...(object.port ? { port: Number(object.port) } : {}),
      path: object.pathname,
      query: {},
      headers: { host: object.host, 'X-Amz-Content-Sha256': 'UNSIGNED-PAYLOAD' },
    },
    { expiresIn: input.expiresInSeconds, ...(input.now ? { signingDate: input.now } : {}) },
  );
  const url = new URL(object);
  for (const [name, value] of Object.entries(signed.query ?? {})) {
    if (typeof value === 'string') url.searchParams.set(name, value);
  }
  return url.toString();
}
