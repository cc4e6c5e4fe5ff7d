import { SQSClient } from '@aws-sdk/client-sqs';

/**
 * The cold-init reference: a handler that only imports @aws-sdk/client-sqs and calls nothing. It refers to
 * the class (without constructing it) so the bundler keeps the whole client in the bundle.
 */
export const handler = async (): Promise<{ statusCode: number; body: string }> => ({
  statusCode: 200,
  body: typeof SQSClient,
});
