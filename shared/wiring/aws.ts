/** Settings every AWS SDK client of the project receives. */
export interface AwsClientSettings {
  endpoint?: string;
  region?: string;
}

/**
 * Client settings from the environment: locally `AWS_ENDPOINT_URL` points the SDK at the emulators;
 * in Lambda it is unset and the SDK defaults apply.
 */
export function awsClientSettings(
  env: { AWS_ENDPOINT_URL?: string; AWS_REGION?: string } = process.env,
): AwsClientSettings {
  const settings: AwsClientSettings = {};
  if (env.AWS_ENDPOINT_URL) settings.endpoint = env.AWS_ENDPOINT_URL;
  if (env.AWS_REGION) settings.region = env.AWS_REGION;
  return settings;
}
