import { SignatureV4 } from '@smithy/signature-v4';
import { NodeSha256 } from '../node-sha256.js';

/**
 * A presigned GET URL of an S3 object (SigV4 in the query string, `UNSIGNED-PAYLOAD`), as
 * @aws-sdk/s3-request-presigner makes them, with @smithy/signature-v4 (no S3 client: s3-objects.ts).
 */

export interface PresignInput {
  bucket: string;
  key: string;
  region: string;
  /** Credentials or their provider (the function's own, from its environment). */
  credentials: ConstructorParameters<typeof SignatureV4>[0]['credentials'];
  /** An S3-compatible endpoint (path-style URLs, the local emulator); default AWS's virtual-hosted URLs. */
  endpoint?: string;
  expiresInSeconds: number;
  now?: Date;
}

export async function presignGetUrl(input: PresignInput): Promise<string> {
  const base = input.endpoint
    ? new URL(`${input.endpoint.replace(/\/+$/, '')}/${input.bucket}/`)
    : new URL(`https://${input.bucket}.s3.${input.region}.amazonaws.com/`);
  const path = `${base.pathname}${input.key.split('/').map(encodeURIComponent).join('/')}`;
  const signer = new SignatureV4({
    service: 's3',
    region: input.region,
    credentials: input.credentials,
    sha256: NodeSha256,
    uriEscapePath: false,
    applyChecksum: false,
  });
  const signed = await signer.presign(
    {
      method: 'GET',
      protocol: base.protocol,
      hostname: base.hostname,
      ...(base.port ? { port: Number(base.port) } : {}),
      path,
      query: {},
      headers: { host: base.host, 'X-Amz-Content-Sha256': 'UNSIGNED-PAYLOAD' },
    },
    { expiresIn: input.expiresInSeconds, ...(input.now ? { signingDate: input.now } : {}) },
  );
  const url = new URL(`${base.protocol}//${base.host}${path}`);
  for (const [name, value] of Object.entries(signed.query ?? {})) {
    if (typeof value === 'string') url.searchParams.set(name, value);
  }
  return url.toString();
}
