import type { AwsCredentialIdentity, Provider } from '@smithy/types';
import { NodeSha256 } from '#shared/node-sha256.js';
import { signUrlRequest } from '#shared/sign-url-request.js';

const EXECUTE_API_HOST = /^[a-z0-9]+\.execute-api\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$/;

/** The region of an `execute-api` host (`abc123.execute-api.eu-west-1.amazonaws.com`), if it is one. */
export function executeApiRegion(hostname: string): string | undefined {
  return EXECUTE_API_HOST.exec(hostname)?.[1];
}

export interface SignableRequest {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body?: string;
}

export type RequestSigner = (request: SignableRequest) => Promise<Record<string, string>>;

/**
 * Signs requests for API Gateway (service `execute-api`). The AWS SDK pieces are loaded only when
 * signing is wanted, so local use starts fast.
 */
export async function createSigV4Signer(options: {
  region: string;
  credentials?: Provider<AwsCredentialIdentity>;
}): Promise<RequestSigner> {
  const { SignatureV4 } = await import('@smithy/signature-v4');
  const credentials =
    options.credentials ?? (await import('@aws-sdk/credential-provider-node')).defaultProvider();
  const signer = new SignatureV4({
    service: 'execute-api',
    region: options.region,
    credentials,
    sha256: NodeSha256,
  });
  return (request) => signUrlRequest(signer, request);
}
