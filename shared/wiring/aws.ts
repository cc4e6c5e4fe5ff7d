import type { AwsServiceOptions } from '../aws-request.js';
import { environmentCredentials } from './credentials.js';

/** What the calls the project signs itself need: the region, the credentials, and locally an endpoint. */
export type SignedCallSettings = Pick<AwsServiceOptions, 'region' | 'credentials' | 'endpoint'>;

/**
 * Settings of the project's own clients of a service, read as the SDK reads them: Lambda's region and
 * credentials from the environment, and locally the emulator's origin from `AWS_ENDPOINT_URL_<SERVICE>` (or
 * `AWS_ENDPOINT_URL`). SQS needs none: each call goes to its queue URL's host.
 */
export function signedCallSettings(
  service: 'DYNAMODB' | 'SNS' | 'SQS',
  env: NodeJS.ProcessEnv = process.env,
): SignedCallSettings {
  const region = env.AWS_REGION;
  if (!region) throw new Error('AWS_REGION is not set');
  const endpoint =
    service === 'SQS' ? undefined : (env[`AWS_ENDPOINT_URL_${service}`] ?? env.AWS_ENDPOINT_URL);
  return { region, credentials: environmentCredentials, ...(endpoint ? { endpoint } : {}) };
}
