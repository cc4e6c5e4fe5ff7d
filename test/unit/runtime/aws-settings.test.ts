import { expect, it } from 'vitest';
import { signedCallSettings } from '#shared/wiring/aws.js';

it("reads each service's endpoint as the SDK does: AWS_ENDPOINT_URL_<SERVICE>, then AWS_ENDPOINT_URL", () => {
  const env = {
    AWS_REGION: 'eu-west-1',
    AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:4567',
    AWS_ENDPOINT_URL: 'http://127.0.0.1:9999',
  };
  expect(signedCallSettings('DYNAMODB', env)).toMatchObject({
    region: 'eu-west-1',
    endpoint: 'http://127.0.0.1:4567',
  });
  expect(signedCallSettings('SNS', env).endpoint).toBe('http://127.0.0.1:9999');
  // SQS calls go to their queue URL's host.
  expect(signedCallSettings('SQS', env).endpoint).toBeUndefined();
  expect(signedCallSettings('DYNAMODB', { AWS_REGION: 'eu-west-1' }).endpoint).toBeUndefined();
});

it("needs the function's region, which Lambda always sets", () => {
  expect(() => signedCallSettings('DYNAMODB', {})).toThrow('AWS_REGION is not set');
});
